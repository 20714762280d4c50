// The configuration every command shares, read and validated once, and how it is shown (secrets masked).
export { type Config, type ConfigSource, DEFAULT_GROUP, loadConfig } from './config.ts';
export { redactUrl } from './redacted-url.ts';
