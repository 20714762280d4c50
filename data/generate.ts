// Writes a generated flow file: `node data/generate.ts [--lines N] [--seed S] [--out FILE]` (gzip if FILE ends in .gz).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Command, InvalidArgumentError } from 'commander';
import { generateFlowText, SAMPLE_LINES, SAMPLE_SEED } from './flow-generator.ts';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

const program = new Command('generate')
  .description('Write a deterministic LANL-shaped flow file (same seed, same bytes).')
  .option('--lines <n>', 'number of lines', positiveInt, SAMPLE_LINES)
  .option('--seed <n>', 'random seed', positiveInt, SAMPLE_SEED)
  .option('--out <file>', 'output file (.gz compresses); stdout when omitted')
  .parse();

const options = program.opts<{ lines: number; seed: number; out?: string }>();
const text = Readable.from(generateFlowText({ lines: options.lines, seed: options.seed }));
if (options.out === undefined) {
  await pipeline(text, process.stdout);
} else if (options.out.endsWith('.gz')) {
  await pipeline(text, createGzip({ level: 9 }), createWriteStream(options.out));
} else {
  await pipeline(text, createWriteStream(options.out));
}
