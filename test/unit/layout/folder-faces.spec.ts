// Each product folder's index.ts is its face: code in another folder imports from it, never from an
// inner file, except where a comment just above says why ("the inner file": an import circle).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Not product code: tests and benchmarks may reach into a folder, and these hold no TypeScript of the product's. */
const NOT_PRODUCT = new Set(['test', 'bench', 'docs', 'data', 'patches', 'node_modules', 'test-artifacts', 'target']);

const RELATIVE_IMPORT = /from '(\.\.?\/[^']+\.ts)'/;

function productFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The other folder's inner file that `line` of `file` imports, if it imports one. */
function innerTarget(line: string, file: string): string | undefined {
  const target = RELATIVE_IMPORT.exec(line)?.[1];
  if (target === undefined) return undefined;
  const path = normalize(join(dirname(file), target));
  return path.split('/')[0] === file.split('/')[0] || path.endsWith('/index.ts') ? undefined : path;
}

/** Every import of another folder's inner file, as `file:line -> target`, unless a comment says why. */
function innerImports(text: string, file: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    const path = innerTarget(line, file);
    if (path === undefined) return [];
    // The reason stands just above, or above the inner imports right before this one.
    let above = index - 1;
    while (above >= 0 && innerTarget(lines[above] ?? '', file) !== undefined) above--;
    const comment: string[] = [];
    while (above >= 0 && (lines[above] ?? '').startsWith('//')) comment.unshift(lines[above--] ?? '');
    return /\binner files?\b/.test(comment.join(' ')) ? [] : [`${file}:${index + 1} -> ${path}`];
  });
}

describe('folder faces', () => {
  it('product code imports another folder through its index.ts, or says why it takes an inner file', () => {
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_PRODUCT.has(entry.name))
      .map((entry) => entry.name);
    const found = folders
      .flatMap(productFiles)
      .flatMap((file) => innerImports(readFileSync(join(ROOT, file), 'utf8'), file));
    expect(found).toEqual([]);
  });

  it('tells an inner import from a face, and a reason from a module header', () => {
    const text = [
      '// A module of the producer.',
      "import { a } from '../flow/flow-line.ts';",
      "import { b } from '../flow/index.ts';",
      "import { c } from './pacer.ts';",
      '// The inner file: the flow folder reads this one (an import circle).',
      "import { d } from '../flow/validity.ts';",
      "import { e } from '../runtime/errors.ts';",
      "import { f } from 'zod';",
      "import { g } from '../state/keys.ts';",
    ].join('\n');
    expect(innerImports(text, 'producer/x.ts')).toEqual([
      'producer/x.ts:2 -> flow/flow-line.ts',
      'producer/x.ts:9 -> state/keys.ts',
    ]);
  });
});
