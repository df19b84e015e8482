import { readFileSync } from 'node:fs'
import { ConfigError } from './errors.js'
import { interpolate, type InterpolationProblem } from './interpolate.js'
import { issueProblems } from './issues.js'
import { formatProblem, YamlFile } from './positions.js'
import { storeSchema, type Config } from './schema.js'

export type StoreConfig = Config['store']

/**
 * Reads only the `store` section of a config file, for the commands that touch nothing else
 * (`tagrelay migrate`, `replay`, `rerun`). Why not the whole config: an operator running a
 * migration from a deploy job has the database URL, not every sender's secret and OAuth
 * client; only `${VAR}`s inside `store:` must be set. `TAGRELAY_STORE_URL` overrides
 * `store.url` as it does for `serve`. The result goes to `openStore()`, so these commands
 * open the store with the same schema, pool and SQLite options as the server.
 */
export function loadStoreConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const yaml = new YamlFile(file, readConfigText(file))
  if (yaml.doc.errors.length > 0) throw new ConfigError(file, yaml.syntaxProblems())
  const root: unknown = yaml.doc.toJS() ?? {}
  const raw = root !== null && typeof root === 'object' ? (root as Record<string, unknown>).store : undefined
  const missing: InterpolationProblem[] = []
  const section = interpolate(raw ?? {}, env, missing, ['store'])
  const problems = missing.map((m) => formatProblem({ path: m.path.split('.'), message: m.message }, yaml))
  if (problems.length > 0) throw new ConfigError(file, problems)
  const url = env.TAGRELAY_STORE_URL
  const withUrl =
    url && section !== null && typeof section === 'object' && !Array.isArray(section) ? { ...section, url } : section
  const result = storeSchema.safeParse(withUrl)
  if (!result.success)
    throw new ConfigError(
      file,
      issueProblems(result.error.issues, ['store']).map((p) => formatProblem(p, yaml)),
    )
  return result.data
}

/** The config file's text, or a ConfigError saying why it cannot be read (and what to do when it is missing). */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    const hint =
      code === 'ENOENT'
        ? ' (pass --config FILE or set TAGRELAY_CONFIG; examples/tagrelay.yaml is a starting point)'
        : code === 'EISDIR'
          ? ' (a folder, not a file: Docker creates one when the file to mount does not exist)'
          : ''
    throw new ConfigError(file, [`cannot read ${file}: ${code}${hint}`])
  }
}
