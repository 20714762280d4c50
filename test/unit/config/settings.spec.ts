import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { flagSettings, withGlobalOptions } from '../../../cli/global-options.ts';
import { buildProgram } from '../../../cli/main.ts';
// The table and its derivations are internal to config/: tested where they live.
import { configEnvironment } from '../../../config/child-environment.ts';
import { type Config, loadConfig } from '../../../config/config.ts';
import { environmentText } from '../../../config/setting-forms.ts';
import { settingHelp, shownDefault } from '../../../config/setting-help.ts';
import type { Setting } from '../../../config/setting-row.ts';
import { SETTINGS } from '../../../config/settings.ts';
import { TestCa } from '../../support/test-ca.ts';

const ROWS: readonly Setting[] = SETTINGS;
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every setting of the table set, TLS and SASL included; the Redis found through sentinels or a cluster. */
function everySettingSet(redis: 'sentinel' | 'cluster'): Record<string, string> {
  const ca = TestCa.create(dir, redis);
  const client = ca.issue(`${redis}-client`);
  const passwordFile = join(dir, `${redis}-password`);
  writeFileSync(passwordFile, 'hunter2\n');
  const where: Record<string, string> =
    redis === 'sentinel'
      ? { REDIS_SENTINELS: 'a:1,b:2', REDIS_SENTINEL_NAME: 'main', REDIS_SENTINEL_PASSWORD: 'hunter3' }
      : { REDIS_CLUSTER_NODES: 'a:1,b:2' };
  return {
    ...where,
    KAFKA_BROKERS: 'k:1,k:2',
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: ca.certFile,
    KAFKA_TLS_CERT_FILE: client.certFile,
    KAFKA_TLS_KEY_FILE: client.keyFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'alice',
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    REDIS_URL: 'rediss://:pw@r:6380',
    REDIS_TLS_CA_FILE: ca.certFile,
    FLOWWATCH_REDIS_WAIT_REPLICAS: '1',
    FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '50',
    FLOWWATCH_TOPIC: 't',
    FLOWWATCH_GROUP: 'g',
    FLOWWATCH_KEY_PREFIX: 'p{1}',
    LOG_LEVEL: 'debug',
    FLOWWATCH_REPLICATION_FACTOR: '3',
    FLOWWATCH_EVENTS_FILE: join(dir, 'events.jsonl'),
    FLOWWATCH_RUN_DIR: join(dir, 'run'),
    FLOWWATCH_ALLOWED_HOSTS: 'proxy.example',
  };
}

describe('the settings table', () => {
  it('reads every row: a value no setting takes is refused by name, or changes the configuration', () => {
    const defaults = loadConfig({});
    for (const row of ROWS) {
      let config: Config | undefined;
      try {
        config = loadConfig({ [row.env]: '/no such/x y' });
      } catch (error) {
        expect((error as Error).message, row.env).toContain(row.env);
      }
      if (config !== undefined) expect(config, row.env).not.toEqual(defaults);
    }
  });

  it('gives every row with a flag a global option that sets that row, and no other', () => {
    for (const row of ROWS) {
      if (row.flag === undefined) continue;
      const program = withGlobalOptions(new Command('flowwatch'));
      const takesValue = /[<[]/.test(row.flag);
      const long = row.flag.split(' ')[0] as string;
      program.parse(takesValue ? [long, 'v'] : [long], { from: 'user' });
      const given = Object.entries(flagSettings(program)).filter(([, value]) => value !== undefined);
      expect(given, row.flag).toEqual([[row.env, takesValue ? 'v' : 'true']]);
    }
  });

  it("gives each flag's help its variable and the default the configuration really takes", () => {
    const program = buildProgram();
    const defaults = loadConfig({});
    for (const row of ROWS) {
      if (row.flag === undefined) continue;
      const long = row.flag.split(' ')[0];
      const help = program.options.find((option) => option.long === long)?.description ?? '';
      expect(help, row.env).toBe(settingHelp(row));
      expect(help, row.env).toContain(`env ${row.env}`);
      const value = row.field === undefined ? undefined : environmentText(Reflect.get(defaults, row.field));
      if (value !== undefined) expect(help, row.env).toContain(`default ${value}`);
    }
  });

  it('lists the settings without a flag in the help of the program', () => {
    const help = buildProgram().helpInformation();
    const listed = help
      .slice(help.indexOf('Environment only:'))
      .split('\n')
      .flatMap((line) => /^ {2}([A-Z_]+) /.exec(line)?.[1] ?? []);
    expect(listed).toEqual(ROWS.filter((row) => row.flag === undefined).map((row) => row.env));
  });
});

describe('the settings table: a child process', () => {
  it('is given exactly the rows marked for children, and every other row is removed', () => {
    const given = new Set<string>();
    for (const redis of ['sentinel', 'cluster'] as const) {
      const config = loadConfig(everySettingSet(redis));
      const env = configEnvironment(config);
      expect(Object.keys(env).sort()).toEqual(ROWS.map((row) => row.env).sort());
      for (const [key, value] of Object.entries(env)) if (value !== undefined) given.add(key);
      // The events file is this process's own: a child writes its events where its parent reads them.
      expect(loadConfig(env), redis).toEqual({ ...config, eventsFile: undefined });
    }
    const marked = ROWS.filter((row) => row.toChild !== false).map((row) => row.env);
    expect([...given].sort()).toEqual(marked.sort());
  });
});

describe('the settings table: secrets', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('gives a secret no flag, and --help shows no secret the environment holds', () => {
    const secrets = ROWS.filter((row) => row.secret === true);
    expect(secrets.map((row) => row.env).sort()).toEqual(['KAFKA_SASL_PASSWORD', 'REDIS_SENTINEL_PASSWORD']);
    for (const row of secrets) expect(row.flag, row.env).toBeUndefined();
    for (const row of secrets) vi.stubEnv(row.env, `hunter-${row.env}`);
    const program = buildProgram();
    for (const command of [program, ...program.commands]) {
      expect(command.helpInformation(), command.name()).not.toMatch(/hunter-/);
    }
  });

  it('never shows a secret default in help', () => {
    const row: Setting = {
      env: 'MADE_UP_TOKEN',
      flag: '--made-up-token-file <file>',
      schema: z.string().default('hunter2'),
      help: 'a token',
      secret: true,
      toChild: false,
    };
    expect(shownDefault(row)).toBeUndefined();
    expect(settingHelp(row)).not.toContain('hunter2');
    expect(shownDefault({ ...row, secret: undefined })).toBe('hunter2');
  });
});
