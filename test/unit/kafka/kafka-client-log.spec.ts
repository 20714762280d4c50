import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.ts';
import { createKafka } from '../../../kafka/index.ts';
import { createLogger } from '../../../runtime/index.ts';

/** What kafkajs' log line about a broker refusing connections becomes at the level given. */
function refusedConnectionLine(level: string): string {
  let written = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const kafka = createKafka(loadConfig({}), createLogger(level, sink), 'flowwatch-test');
  kafka.logger().warn('Connection error: connect ECONNREFUSED 127.0.0.1:19094', {
    broker: '127.0.0.1:19094',
    stack: 'Error: connect ECONNREFUSED 127.0.0.1:19094\n    at TCPConnectWrap.afterConnect (node:net:1:1)',
  });
  return written;
}

describe("kafkajs' log lines", () => {
  it('leave out the stack trace at the default level (a broker down logs this at every start)', () => {
    const line = JSON.parse(refusedConnectionLine('info')) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'Connection error: connect ECONNREFUSED 127.0.0.1:19094',
      broker: '127.0.0.1:19094',
    });
    expect(line).not.toHaveProperty('stack');
  });

  it('keep it at debug', () => {
    const lines = refusedConnectionLine('debug').trim().split('\n');
    const line = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    expect(line.stack).toMatch(/^Error: connect ECONNREFUSED/);
  });
});
