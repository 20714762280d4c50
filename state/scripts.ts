// The Lua scripts of the state (state/lua/), each defined once per client and called by name. A
// script's file name says its operation and how many KEYS it takes: `apply-batch-8.lua`.
import { readFileSync } from 'node:fs';
import type { StateClient } from './state-client.ts';

const FILES = {
  applyBatch: 'apply-batch-8.lua',
  claimPartitions: 'claim-partitions-2.lua',
  deleteState: 'delete-state-10.lua',
} as const;

type ScriptName = keyof typeof FILES;

/** The scripts as commands of the client: KEYS first, then ARGV; the raw reply (see script-replies.ts). */
export type StateScripts = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

const keyCount = (file: string) => Number(/-(\d+)\.lua$/.exec(file)?.[1]);

/** The client with the scripts defined on it (once: a client already holding them is returned as it is). */
export function withScripts(client: StateClient): StateClient & StateScripts {
  if (!('applyBatch' in client)) {
    for (const [name, file] of Object.entries(FILES)) {
      const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
      client.defineCommand(name, { numberOfKeys: keyCount(file), lua });
    }
  }
  return client as StateClient & StateScripts;
}
