// What the commands of the command line share: argument parsers, the global configuration flags
// (global-options.ts), the pace and metrics options, and the bundled sample as the default file.
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import type { Config } from '../config/index.ts';
import type { MetricsServerOptions } from '../metrics/index.ts';
// The inner file: the metrics' face loads prom-client, which only the commands that serve metrics need.
import { DEFAULT_METRICS_HOST } from '../metrics/metrics-host.ts';
import type { Pace } from '../producer/index.ts';
import { decimal, nonEmpty, port } from './option-values.ts';

export { commandSetup, configFrom, requestedLogLevel, withGlobalOptions } from './global-options.ts';
export { decimal, integer, milliseconds, nonEmpty, port, type ValueDomain } from './option-values.ts';

export const SAMPLE_FILE = fileURLToPath(new URL('../data/sample-flows.csv.gz', import.meta.url));

/** Devices a ranking shows unless `-n` says otherwise: `top`, the dashboard's chart, the walkthrough's table. */
export const DEFAULT_TOP = 10;

/** Where the dashboard listens unless told otherwise (`dashboard --port`, `walkthrough --dashboard-port`). */
export const DEFAULT_DASHBOARD_PORT = 8080;

/**
 * The slowest pace `--rate` and `--speedup` take: slower is no replay anyone waits for, and a
 * smaller number would ask for waits longer than a Node timer can hold (about 24.8 days).
 */
export const MIN_PACE = 0.001;

/** `--metrics-port` and `--metrics-host`, of the commands that serve metrics on a port of their own. */
export function withMetricsOptions(command: Command): Command {
  return command
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://<metrics-host>:<port>/metrics while running (0: no metrics server)',
      port,
      0,
    )
    .option('--metrics-host <address>', 'address the metrics server listens on', nonEmpty, DEFAULT_METRICS_HOST);
}

export interface MetricsFlags {
  readonly metricsPort: number;
  readonly metricsHost: string;
}

export function metricsServer(flags: MetricsFlags, config: Config): MetricsServerOptions | undefined {
  return flags.metricsPort === 0
    ? undefined
    : { host: flags.metricsHost, port: flags.metricsPort, allowedHosts: config.allowedHosts };
}

/** `--rate` and `--speedup` (and any option that rules both out, such as the walkthrough's `--max-speed`). */
export function withPaceOptions(
  command: Command,
  help: { rate: string; speedup: string },
  alsoConflicting: string[] = [],
): Command {
  return command
    .addOption(
      new Option('--rate <n>', `${help.rate}; at least ${MIN_PACE}`)
        .argParser(decimal(MIN_PACE))
        .conflicts(['speedup', ...alsoConflicting]),
    )
    .addOption(
      new Option('--speedup <x>', `${help.speedup}; at least ${MIN_PACE}`)
        .argParser(decimal(MIN_PACE))
        .conflicts(alsoConflicting),
    );
}

export interface PaceFlags {
  readonly rate?: number;
  readonly speedup?: number;
}

/** The pace the flags ask for; `fallback` when they ask for none. */
export function paceFrom(flags: PaceFlags, fallback: Pace | undefined): Pace | undefined {
  if (flags.rate !== undefined) return { rate: flags.rate };
  if (flags.speedup !== undefined) return { speedup: flags.speedup };
  return fallback;
}
