// The bare ceilings: parsing alone (csv-parse, and flowwatch's own scanner) and pipelined Redis
// increments, with no Kafka in the way.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { perSecond } from '../display/index.ts';
import { FlowScanner, openFlowInput } from '../flow/index.ts';
import { OwnRedis } from '../test/support/redis-server.ts';

/** Records per second of csv-parse reading the file, arrays of fields, nothing else. */
export async function csvParseRate(file: string): Promise<number> {
  const started = performance.now();
  let records = 0;
  const parser = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse({ relax_column_count: true }));
  for await (const _record of parser) records++;
  return perSecond(records, performance.now() - started);
}

/**
 * Lines per second of flowwatch's scanner: split, parse and validate, nothing else; plain lines
 * decided from their bytes, as the producer and verify read them.
 */
export async function scannerRate(file: string): Promise<number> {
  const started = performance.now();
  const input = await openFlowInput(file);
  const scanner = new FlowScanner({ plainFlow: () => {}, flow: () => {}, invalid: () => {}, skipped: () => {} });
  for await (const chunk of input.chunks()) scanner.push(chunk);
  scanner.end();
  return perSecond(scanner.counts.lines, performance.now() - started);
}

/** INCRs per second from redis-benchmark, pipelined 100 deep, against a redis-server of its own. */
export async function redisIncrRate(requests: number): Promise<number> {
  const redis = await OwnRedis.start();
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'redis-benchmark',
        ['-p', String(redis.port), '-t', 'incr', '-n', String(requests), '-P', '100', '-q'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    const match = /INCR: ([\d.]+) requests per second/.exec(output.replace(/\r/g, '\n'));
    if (match === null) throw new Error(`redis-benchmark printed no INCR figure: ${output.slice(-200)}`);
    return Number(match[1]);
  } finally {
    await redis.stop();
  }
}
