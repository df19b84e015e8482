import type { z } from 'zod'
import { ConfigError } from './errors.js'
import { interpolate, type InterpolationProblem } from './interpolate.js'
import { issueProblems } from './issues.js'
import { ENV_OVERRIDES } from './load.js'
import { formatProblem, YamlFile } from './positions.js'
import { readConfigText } from './read.js'
import { serverSchema, storeSchema, type Config } from './schema.js'
import { alertsSchema } from '../alerts/schema.js'

/**
 * Reads one section of a config file, for the commands that touch nothing else:
 * `migrate`, `replay` (and `rerun`) need `store:`, `healthcheck` needs `server:`. Why not
 * the whole config: an operator running a migration from a deploy job has the database
 * URL, not every sender's secret and OAuth client; only the `${VAR}`s inside the section
 * must be set. The `TAGRELAY_*` overrides of that section apply as they do for `serve`,
 * and the store section goes to `openStore()`, so these commands open the store with the
 * server's schema, pool and SQLite options.
 */
function loadConfigSection<S extends z.ZodType>(
  file: string,
  name: 'store' | 'server' | 'alerts',
  schema: S,
  env: NodeJS.ProcessEnv,
): z.output<S> {
  const yaml = new YamlFile(file, readConfigText(file))
  if (yaml.doc.errors.length > 0) throw new ConfigError(file, yaml.syntaxProblems())
  const root: unknown = yaml.doc.toJS()
  const raw = isRecord(root) ? (root[name] ?? {}) : {}
  const missing: InterpolationProblem[] = []
  const section = interpolate(raw, env, missing, [name])
  if (missing.length > 0)
    throw new ConfigError(
      file,
      missing.map((m) => formatProblem({ path: m.path.split('.'), message: m.message }, yaml)),
    )
  if (isRecord(section)) {
    for (const [variable, path, convert] of ENV_OVERRIDES) {
      const v = env[variable]
      if (path[0] === name && path.length === 2 && v !== undefined && v !== '') section[path[1]!] = convert(v)
    }
  }
  const result = schema.safeParse(section)
  if (!result.success)
    throw new ConfigError(
      file,
      issueProblems(result.error.issues, [name], { schema, input: section }).map((p) => formatProblem(p, yaml)),
    )
  return result.data
}

export type StoreConfig = Config['store']
export type ServerConfig = Config['server']

export function loadStoreConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return loadConfigSection(file, 'store', storeSchema, env)
}

export function loadServerConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return loadConfigSection(file, 'server', serverSchema, env)
}

/** `tagrelay alerts test` needs only the destinations (and their `${VAR}`s). */
export function loadAlertsConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config['alerts'] {
  return loadConfigSection(file, 'alerts', alertsSchema, env)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
