// The command line loads a command's implementation only when that command runs: `flowwatch verify`
// should not pay at start-up for the producer's progress bar, the consumer's status board or
// prom-client.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every module a fresh node loads to build the command line (without running a command): the URLs. */
function loadedToBuild(): string[] {
  const script = `
    import module from 'node:module';
    const loaded = new Set();
    module.registerHooks({
      resolve(specifier, context, next) {
        const result = next(specifier, context);
        loaded.add(result.url);
        return result;
      },
    });
    const { buildProgram } = await import(${JSON.stringify(`${root}cli/main.ts`)});
    buildProgram();
    process.stdout.write(JSON.stringify([...loaded]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('loading the command line', () => {
  it("loads no command's implementation, nor the packages only those use", () => {
    const loaded = loadedToBuild();
    // Ours, relative to the checkout; packages resolve where node_modules really is (it may be a link).
    const prefix = new URL(`file://${root}`).href;
    const files = loaded.filter((url) => url.startsWith(prefix)).map((url) => url.slice(prefix.length));
    expect(files).toContain('cli/verify-cli.ts');
    // Each command's folder is entered through its index, which the action imports when it runs.
    const implementations = files.filter((file) =>
      /^(verify|producer|consumer|dashboard|walkthrough)\/(index|\w+-command)\.ts$/.test(file),
    );
    expect(implementations).toEqual([]);
    const packages = loaded.filter((file) => /node_modules\/(prom-client|log-update|cli-progress)\//.test(file));
    expect(packages).toEqual([]);
  });
});
