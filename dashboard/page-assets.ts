// The files of the page, read once at start: the HTML, its stylesheet, its script's modules
// (TypeScript with the types stripped, as Node runs it, each served as `/<name>.js`) and Chart.js's
// browser build.
import { readFile } from 'node:fs/promises';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const pageFile = (name: string) => fileURLToPath(new URL(`page/${name}`, import.meta.url));

/** The page script's modules, the entry first; they import each other by their served names. */
const PAGE_MODULES = ['dashboard-page', 'dashboard-charts', 'page-text'] as const;

/** Chart.js's self-contained browser build (it sets the global `Chart`), beside its package entry. */
function chartJsFile(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.js');
}

/** Path of the request → the file served there; any other path is not found. */
export async function loadPageAssets(): Promise<ReadonlyMap<string, PageAsset>> {
  const [html, css, chartJs, ...modules] = await Promise.all([
    readFile(pageFile('index.html')),
    readFile(pageFile('dashboard.css')),
    readFile(chartJsFile()),
    ...PAGE_MODULES.map((name) => readFile(pageFile(`${name}.ts`), 'utf8')),
  ]);
  const javascript = 'text/javascript; charset=utf-8';
  return new Map<string, PageAsset>([
    ['/', { contentType: 'text/html; charset=utf-8', body: html }],
    ['/dashboard.css', { contentType: 'text/css; charset=utf-8', body: css }],
    ...PAGE_MODULES.map((name, i): [string, PageAsset] => [
      `/${name}.js`,
      { contentType: javascript, body: Buffer.from(stripTypeScriptTypes(modules[i] ?? '')) },
    ]),
    ['/chart.umd.js', { contentType: javascript, body: chartJs }],
  ]);
}
