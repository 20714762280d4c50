// The configuration every command shares, read and validated once from one settings table, and how
// it is shown (secrets masked).

export { configEnvironment } from './child-environment.ts';
export { type Config, type ConfigSource, loadConfig } from './config.ts';
export type { PemFile } from './connection-security.ts';
export { redactUrl } from './redacted-url.ts';
export { ENVIRONMENT_ONLY_SETTINGS, FLAG_SETTINGS, settingHelp } from './setting-help.ts';
export { DEFAULT_GROUP } from './settings.ts';
