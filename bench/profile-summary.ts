// Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, and the
// time per package or source file. `node bench/profile-summary.ts <file.cpuprofile|dir> [top]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const PROJECT = new URL('..', import.meta.url).href;

/** The newest .cpuprofile of a directory, or the file itself. */
function profileFile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

/** Where a frame's code lives: the npm package, the project file, or V8's own name for it. */
function owner(url: string, functionName: string): string {
  if (url === '') return functionName;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage !== null) return inPackage[1] as string;
  if (url.startsWith(PROJECT)) return url.slice(PROJECT.length);
  return url;
}

export function summarise(profile: CpuProfile, top: number): string {
  const selfMs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = owner(url, functionName || '(anonymous)');
    const file = url.startsWith(PROJECT) ? url.slice(PROJECT.length) : url.split('/').slice(-3).join('/');
    const name = `${functionName || '(anonymous)'} ${url === '' ? '' : `${file}:${lineNumber + 1}`}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byOwner.set(where, (byOwner.get(where) ?? 0) + ms);
  }
  const table = (title: string, entries: Map<string, number>) => [
    `| ${title} | self ms | share |`,
    '| --- | ---: | ---: |',
    ...[...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `| ${name} | ${Math.round(ms)} | ${((100 * ms) / total).toFixed(1)} % |`),
  ];
  return [
    `${Math.round(total)} ms sampled`,
    '',
    ...table('function', byFunction),
    '',
    ...table('package or file', byOwner),
  ].join('\n');
}

const [path, top = '15'] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: node bench/profile-summary.ts <file.cpuprofile|dir> [top]\n');
  process.exit(2);
}
let profile: CpuProfile;
try {
  profile = JSON.parse(readFileSync(profileFile(path), 'utf8')) as CpuProfile;
} catch (error) {
  process.stderr.write(`profile-summary: cannot read a CPU profile from ${path}: ${(error as Error).message}\n`);
  process.exit(2);
}
process.stdout.write(`${summarise(profile, Number(top))}\n`);
