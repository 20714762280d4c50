// The Lua scripts of the state (state/lua/), each defined once per client and called by name with
// the number of its KEYS first. Every key a script touches is among its KEYS, so that a Redis
// Cluster can check they share one slot; the scripts start with a shebang (Redis 7) that declares
// their flags. A script takes the fragments it shares from lua/includes/ with a line
// `--- @include "<name>"`, replaced by the fragment when the script is read (BullMQ's convention).
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { StateClient } from './state-client.ts';

const FILES = {
  applyBatch: 'apply-batch.lua',
  claimPartitions: 'claim-partitions.lua',
  confirmOffset: 'confirm-offset.lua',
  deleteState: 'delete-state.lua',
  startPartial: 'start-partial.lua',
} as const;

type ScriptName = keyof typeof FILES;

/** A script as a command of the client: its KEYS, then its ARGV; the raw reply (see script-replies.ts). */
export type StateScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

export type StateScripts = Record<ScriptName, StateScript>;

type DefinedCommand = (numberOfKeys: number, ...args: (string | number)[]) => Promise<unknown>;

const defined = new WeakMap<StateClient, StateScripts>();

/** The scripts of a client, defined on it the first time they are asked for. */
export function scriptsOf(client: StateClient): StateScripts {
  let scripts = defined.get(client);
  if (scripts === undefined) {
    const commands = client as unknown as Record<string, DefinedCommand>;
    const entries = Object.entries(FILES).map(([name, file]) => {
      const lua = scriptText(file);
      // No fixed number of keys: each call says how many of its arguments are keys.
      client.defineCommand(name, { lua });
      const command = commands[name] as DefinedCommand;
      const script: StateScript = (keys, args) => command.call(client, keys.length, ...keys, ...args);
      return [name, script];
    });
    scripts = Object.fromEntries(entries) as StateScripts;
    defined.set(client, scripts);
  }
  return scripts;
}

/** A script's text, each `--- @include "<name>"` line replaced by lua/includes/<name>.lua. */
export function scriptText(file: string): string {
  const read = (path: string) => readFileSync(new URL(`./lua/${path}`, import.meta.url), 'utf8');
  return read(file).replace(/^--- @include "([\w-]+)"$/gm, (_line, name: string) =>
    read(`includes/${name}.lua`).trimEnd(),
  );
}

/** Queues a script on a pipeline of a client whose scripts are defined (see scriptsOf). */
export function queueScript(
  pipeline: ChainableCommander,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): ChainableCommander {
  const command = (pipeline as unknown as Record<string, DefinedCommand>)[name] as DefinedCommand;
  command.call(pipeline, keys.length, ...keys, ...args);
  return pipeline;
}
