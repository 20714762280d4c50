// What a configuration must be beyond each value's own form: settings that mean something only
// beside another, an events file that can be written. Each is checked at start-up, so a mistake is
// one sentence before anything connects, not a hang or a silent default.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
// The configuration sits below the runtime's face (whose process spawning reads it): the inner file, no import circle.
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import { SETTING_ROWS } from './settings.ts';

const invalid = (message: string) => new FlowwatchError(ErrorCode.CONFIG_INVALID, message);

/**
 * Refuses a setting given without the one it needs (a row's `needs`): alone it would be ignored, so
 * it is a mistake. `given`: the values given, by environment variable, flags included.
 */
export function checkSettingsTogether(given: Readonly<Record<string, string | undefined>>): void {
  for (const row of SETTING_ROWS) {
    if (row.needs === undefined) continue;
    const [needs, why] = row.needs;
    if (given[row.env] !== undefined && given[needs] === undefined) {
      throw invalid(`${row.env} is set, but ${needs} is not: ${why}; set both or neither`);
    }
  }
}

/** `/dev/fd/N`: a descriptor the process inherited, written as it is (see event-stream.ts). */
const INHERITED = /^\/dev\/fd\/\d+$/;

/** Refuses an events file that could not be written: checked, not created, as not every command writes one. */
export function checkEventsFile(path: string | undefined): void {
  if (path === undefined || INHERITED.test(path)) return;
  const file = resolve(path);
  const folder = dirname(file);
  const kind = (where: string) => {
    try {
      return statSync(where).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'nothing';
    }
  };
  if (kind(folder) !== 'folder') throw invalid(`FLOWWATCH_EVENTS_FILE is invalid: no such folder: ${folder}`);
  if (kind(file) === 'folder') throw invalid(`FLOWWATCH_EVENTS_FILE is invalid: ${file} is a folder, not a file`);
  try {
    accessSync(kind(file) === 'file' ? file : folder, constants.W_OK);
  } catch {
    throw invalid(`FLOWWATCH_EVENTS_FILE is invalid: cannot write ${file}`);
  }
}
