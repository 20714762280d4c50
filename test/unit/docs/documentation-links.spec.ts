// The README is the entry and docs/ the manual: every page of docs/ is linked from the README, and
// every relative link in them (a file, a folder, a heading) leads somewhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => join(root, 'docs', name));
const pages = [join(root, 'README.md'), join(root, 'BENCHMARKS.md'), ...docs];

/** The text outside fenced code blocks, where a `#` line is a heading and `](...)` a link. */
function prose(file: string): string {
  return readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchors(file: string): Set<string> {
  const headings = [...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1] as string);
  return new Set(
    headings.map((heading) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

/** Every relative link of a page, as [target file, anchor or ''], skipping web addresses. */
function links(file: string): { text: string; target: string; anchor: string }[] {
  return [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((href) => {
      const [path = '', anchor = ''] = href.split('#');
      return { text: href, target: path === '' ? file : join(dirname(file), path), anchor };
    });
}

describe('the documentation', () => {
  it.each(pages.map((page) => [relative(root, page), page]))('%s: every relative link resolves', (_, page) => {
    const broken = links(page as string)
      .filter(({ target, anchor }) => !existsSync(target) || (anchor !== '' && !anchors(target).has(anchor)))
      .map(({ text }) => text);
    expect(broken).toEqual([]);
  });

  it('links every page of docs/ from the README', () => {
    const linked = new Set(links(join(root, 'README.md')).map(({ target }) => target));
    expect(docs.filter((page) => !linked.has(page)).map((page) => relative(root, page))).toEqual([]);
    expect(docs.length).toBeGreaterThan(0);
  });
});
