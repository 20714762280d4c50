// The environment that gives a child `flowwatch` process this same configuration, flags included,
// derived from the settings table: each row says what a child is given.
import type { Config } from './config.ts';
import { environmentText } from './setting-forms.ts';
import type { Setting } from './setting-row.ts';
import { SETTING_ROWS } from './settings.ts';

/**
 * Every setting is in it: undefined means "remove it", so a value the parent's environment holds but
 * the parent overrode, or resolved to off, does not reach the child.
 */
export function configEnvironment(config: Config): Record<string, string | undefined> {
  return Object.fromEntries(SETTING_ROWS.map((row) => [row.env, childValue(row, config)]));
}

function childValue(row: Setting, config: Config): string | undefined {
  if (row.toChild === false) return undefined;
  if (row.toChild === true) return environmentText(Reflect.get(config, row.field));
  return row.toChild(config);
}
