export { configSchema, DEFAULT_HIGHLEVEL_BASE_URL } from './schema.js'
export type { Config, ConfigInput, SourceConfig, LocationConfig } from './schema.js'
export { loadConfigFile, parseConfigText, validateConfig, formatIssues } from './load.js'
export { ConfigError } from './errors.js'
