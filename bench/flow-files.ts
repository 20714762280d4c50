// The flow files a run measures: one per size, generated once from a fixed seed into bench/data/
// (which git ignores), so every run and every peer reads the same records.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { generateFlowText } from '../data/flow-generator.ts';

const DATA_FOLDER = fileURLToPath(new URL('./data/', import.meta.url));
const SEED = 2017;

/** The path of the flow file of `lines` lines, generated first if missing (told through `say`). */
export async function flowFile(lines: number, say: (line: string) => void): Promise<string> {
  mkdirSync(DATA_FOLDER, { recursive: true });
  const path = `${DATA_FOLDER}flows-${lines}.csv`;
  if (!existsSync(path)) {
    say(`generating ${path} (once)...`);
    await pipeline(Readable.from(generateFlowText({ lines, seed: SEED })), createWriteStream(path));
  }
  return path;
}
