// How `--help` tells of a setting, derived from its row: what it is, its variable, its default
// (never a secret's), so the help cannot drift from what the configuration reads.
import { environmentText } from './setting-forms.ts';
import type { Setting } from './setting-row.ts';
import { SETTING_ROWS } from './settings.ts';

/** The default as the environment would write it: what the schema makes of no value, or the row's words. */
export function shownDefault(row: Setting): string | undefined {
  if (row.secret === true) return undefined;
  return row.shownDefault ?? environmentText(row.schema.safeParse(undefined).data);
}

/**
 * A setting's help: what it is, then (for a flag) its variable, `=true` for a flag without a value,
 * its default and its note.
 */
export function settingHelp(row: Setting): string {
  const variable = row.flag === undefined ? undefined : `env ${row.env}${/[<[]/.test(row.flag) ? '' : '=true'}`;
  const fallback = shownDefault(row);
  const facts = [variable, fallback === undefined ? undefined : `default ${fallback}`].filter(Boolean).join(', ');
  const said = [facts, row.note].filter(Boolean).join('; ');
  return said === '' ? row.help : `${row.help} (${said})`;
}

/** The settings with a flag, in the table's order. */
export const FLAG_SETTINGS = SETTING_ROWS.filter(
  (row): row is Setting & { readonly flag: string } => row.flag !== undefined,
);

/** The settings read only from the environment (secrets: ps shows flags to every user). */
export const ENVIRONMENT_ONLY_SETTINGS = SETTING_ROWS.filter((row) => row.flag === undefined);
