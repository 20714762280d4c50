// The global flags, one per setting that has one (config/settings.ts), the settings only the
// environment gives in `--help`, and the configuration the environment and the flags make together.
import { type Command, Help, Option } from 'commander';
import {
  type Config,
  type ConfigSource,
  ENVIRONMENT_ONLY_SETTINGS,
  FLAG_SETTINGS,
  loadConfig,
  settingHelp,
} from '../config/index.ts';
import { createLogger, type Logger } from '../runtime/index.ts';

/** The global flags; the program's `--help` lists the settings without a flag after its commands. */
export function withGlobalOptions(program: Command): Command {
  for (const row of FLAG_SETTINGS) program.addOption(new Option(row.flag, settingHelp(row)));
  return program.configureHelp({
    formatHelp(command, helper) {
      const text = Help.prototype.formatHelp.call(helper, command, helper);
      // Subcommands take this configuration over: the settings belong to the program's own help.
      if (command.parent !== null) return text;
      const width = helper.padWidth(command, helper);
      const items = ENVIRONMENT_ONLY_SETTINGS.map((row) => helper.formatItem(row.env, width, settingHelp(row), helper));
      return [text, ...helper.formatItemList('Environment only:', items, helper)].join('\n');
    },
  });
}

/** The settings the global flags give, by environment variable (a flag without a value gives `true`). */
export function flagSettings(program: Command): ConfigSource {
  const flags = program.opts<Record<string, string | boolean | undefined>>();
  return Object.fromEntries(
    FLAG_SETTINGS.map((row) => {
      const value = flags[new Option(row.flag).attributeName()];
      return [row.env, value === true ? 'true' : value === false ? undefined : value];
    }),
  );
}

/** The configuration: the environment with the global flags on top, read and validated once. */
export function configFrom(program: Command): Config {
  return loadConfig(process.env, flagSettings(program));
}

/** The configuration and the root logger a command runs with. */
export function commandSetup(program: Command): { config: Config; log: Logger } {
  const config = configFrom(program);
  return { config, log: createLogger(config.logLevel) };
}

/** The log level asked for, by flag or environment, even when the configuration did not load. */
export function requestedLogLevel(program: Command): string | undefined {
  return flagSettings(program).LOG_LEVEL ?? process.env.LOG_LEVEL;
}
