#!/usr/bin/env -S node --max-old-space-size=128 --max-semi-space-size=8 --initial-old-space-size=64
// Entry point of the `flowwatch` command (Node 24 runs the TypeScript sources directly).
import module from 'node:module';

// kafkajs 2.2.4 arms timers with negative delays on newer Node, which only warns; the dashboard
// strips its page's types with node:module's stripTypeScriptTypes, which Node still calls
// experimental though it is what runs every .ts file here. Every other warning is still shown.
const expected = (warning) =>
  warning.name === 'TimeoutNegativeWarning' ||
  (warning.name === 'ExperimentalWarning' && warning.message.startsWith('stripTypeScriptTypes '));
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!expected(warning)) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

// The exit codes come from the one file that names them; JSON, so an older node can read it too.
const ExitCode = module.createRequire(import.meta.url)('../runtime/exit-codes.json');

// The sources are TypeScript that Node 24 runs as they are; an older node cannot load them.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `flowwatch: needs Node 24 (this is ${process.version}); run it as \`npx flowwatch\` in the checkout after \`npm ci\`, which installs Node 24\n`,
  );
  process.exit(ExitCode.failed);
}

// Compiled code is cached on disk (in the OS temp folder): later runs start in about half the time.
module.enableCompileCache?.();

const { main } = await import('../cli/main.ts');
process.exit(await main(process.argv));
