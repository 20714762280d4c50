// What a configuration must be beyond each value's own form: ports a socket can use, settings that
// mean something only beside another, an events file that can be written. Each is checked at
// start-up, so a mistake is one sentence before anything connects, not a hang or a silent default.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import type { ConfigSource } from './config.ts';

const invalid = (message: string) => new FlowwatchError(ErrorCode.CONFIG_INVALID, message);

/** A port a client can connect to: 0 only means "any" to a server that listens. */
export const isConnectablePort = (port: string) =>
  /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535;

/** The port of `host:port` (the last colon's right). */
export const portOf = (node: string) => node.slice(node.lastIndexOf(':') + 1);

/** Each setting, and the one it needs: alone it would be ignored, so it is a mistake. */
const NEEDS: readonly (readonly [setting: string, needs: string, why: string])[] = [
  ['REDIS_SENTINEL_PASSWORD', 'REDIS_SENTINELS', "it is the sentinels' own password"],
  ['REDIS_SENTINEL_NAME', 'REDIS_SENTINELS', 'it names the primary the sentinels monitor'],
  [
    'FLOWWATCH_REDIS_WAIT_TIMEOUT_MS',
    'FLOWWATCH_REDIS_WAIT_REPLICAS',
    'it is how long each wait for those replicas lasts',
  ],
];

/** Refuses a setting given without the one it needs (`settings`: the values given, flags included). */
export function checkSettingsTogether(settings: ConfigSource): void {
  for (const [setting, needs, why] of NEEDS) {
    if (settings[setting] !== undefined && settings[needs] === undefined) {
      throw invalid(`${setting} is set, but ${needs} is not: ${why}; set both or neither`);
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
