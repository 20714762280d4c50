// The ownership table of docs/architecture.md against the tree: every product file is named in the
// row of its folder, and every file or folder the table names exists there, so the map cannot go stale.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What the project runs or ships, by extension; data, tests, docs and build output are not mapped. */
const PRODUCT_FILE = /\.(ts|lua|js|json|sh)$/;
/** Folders with no files of their own to map, and what git ignores (dependencies, runs, builds). */
const UNMAPPED = new Set(['test', 'docs', 'data', 'patches', 'node_modules', 'test-artifacts', 'target']);

/** A quoted name that is a file (with its extension) or a folder (with its slash), not a command or a flag. */
const FILE_NAME = /^[\w./*-]+(\.[a-z]+|\/)$/;

interface Row {
  /** The row's folders, e.g. `cli/` and `bin/` for one row. */
  readonly folders: readonly string[];
  /** Every name the row quotes in backticks. */
  readonly names: readonly string[];
}

/** The rows of the table under "Who owns what". */
function ownershipRows(): Row[] {
  const text = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const table = text.slice(
    text.indexOf('## Who owns what'),
    text.indexOf('\n## ', text.indexOf('## Who owns what') + 1),
  );
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [, folderCell = '', , owners = ''] = line.split('|');
      return { folders: quoted(folderCell), names: quoted(owners) };
    });
}

function quoted(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
}

/** Product files under `folder`, relative to the root, skipping each folder's `index.ts` (its face, told once for all). */
function productFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && PRODUCT_FILE.test(entry.name) && entry.name !== 'index.ts')
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split('/').some((part) => UNMAPPED.has(part) || part.startsWith('.')))
    .filter((path) => !path.startsWith('bench/data/'));
}

/** The top folders of the project, as the tree has them. */
function topFolders(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !UNMAPPED.has(entry.name))
    .map((entry) => `${entry.name}/`);
}

/** Where `name`, quoted in a row of `folders`, should be: a path from the root, or any depth below a folder. */
function exists(name: string, folders: readonly string[]): boolean {
  if (name.includes('*')) return true; // A family of files, such as `*-cli.ts`.
  if (existsSync(join(ROOT, name)) && name.includes('/') && !name.endsWith('/')) return true;
  return folders.some((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).some(
      (path) => path === name.replace(/\/$/, '') || path.endsWith(`/${name.replace(/\/$/, '')}`),
    ),
  );
}

describe('the ownership map in docs/architecture.md', () => {
  const rows = ownershipRows();

  it('has a row for every top folder of the project', () => {
    const mapped = rows.flatMap((row) => row.folders);
    expect(topFolders().filter((folder) => !mapped.includes(folder))).toEqual([]);
  });

  it('names every product file in the row of its folder', () => {
    const unnamed = rows.flatMap(({ folders, names }) => {
      const named = new Set(names.map((name) => name.split('/').filter(Boolean).at(-1)));
      return folders
        .filter((folder) => existsSync(join(ROOT, folder)))
        .flatMap(productFiles)
        .filter((path) => !named.has(path.split('/').at(-1)));
    });
    expect(unnamed).toEqual([]);
  });

  it('names no file or folder that is not there', () => {
    const missing = rows.flatMap(({ folders, names }) =>
      names.filter((name) => FILE_NAME.test(name) && !folders.includes(name) && !exists(name, folders)),
    );
    expect(missing).toEqual([]);
  });
});
