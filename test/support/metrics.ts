// Reads a `/metrics` page the way Prometheus does, and checks it with Prometheus' own `promtool`.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export const PROMTOOL = '/usr/bin/promtool';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One scrape, parsed: the samples of the text format, and the raw text for promtool. */
export class Exposition {
  readonly text: string;
  readonly samples: readonly Sample[];

  constructor(text: string) {
    this.text = text;
    this.samples = parseSamples(text);
  }

  /** Every sample of the metric whose labels include `labels`. */
  all(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
    );
  }

  /** The one sample of the metric with these labels, or undefined if there is none. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const found = this.all(name, labels);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} has ${found.length} samples`);
    return found[0]?.value;
  }
}

/** GET `url` and parse it; rejects on anything but 200 in the text format. */
export async function scrape(url: string): Promise<Exposition> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return new Exposition(await response.text());
}

/** `promtool check metrics`, reading the exposition on stdin: exit 0 and nothing said means it passes. */
export function promtoolCheck(text: string): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (result.error !== undefined) throw result.error;
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

export function expectPromtoolAccepts(exposition: Exposition): void {
  const { code, output } = promtoolCheck(exposition.text);
  expect(output, exposition.text).toBe('');
  expect(code).toBe(0);
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1] as string, labels, value: parseValue(match[3] as string) });
  }
  return samples;
}

/** A value or `le` of the text format: a float, `+Inf`, `-Inf` or `NaN`. */
export function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
