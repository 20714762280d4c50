#!/usr/bin/env node
// Entry point of the `flowwatch` command (Node 24 runs the TypeScript sources directly).

// kafkajs 2.2.4 arms timers with negative delays on newer Node, which only warns; every other
// warning is still shown.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const { main } = await import('../cli/main.ts');
process.exit(await main(process.argv));
