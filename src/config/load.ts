import { dirname, resolve } from 'node:path'
import { ruleReferenceProblems, sourceProblems } from './cross-check.js'
import { ConfigError } from './errors.js'
import { interpolate, placeholder, type InterpolationProblem } from './interpolate.js'
import { issueProblems } from './issues.js'
import { readConfigText } from './read.js'
import { formatProblem, YamlFile, type Problem } from './positions.js'
import { loadRuleFiles, ruleName, type RuleEntry } from './rule-files.js'
import { configSchema, type Config } from './schema.js'

export { formatIssues } from './issues.js'

/** Environment variables that override one key each, applied after `${VAR}` interpolation. */
export const ENV_OVERRIDES: Array<[string, string[], (v: string) => unknown]> = [
  ['TAGRELAY_HOST', ['server', 'host'], String],
  ['TAGRELAY_PORT', ['server', 'port'], Number],
  ['TAGRELAY_STORE_URL', ['store', 'url'], String],
  ['TAGRELAY_SECRET_KEY', ['store', 'secretKey'], String],
  ['TAGRELAY_REQUIRE_SECRET_KEY', ['store', 'requireSecretKey'], (v) => /^(1|true|yes)$/i.test(v)],
  ['TAGRELAY_LOG_LEVEL', ['log', 'level'], String],
  ['TAGRELAY_HIGHLEVEL_BASE_URL', ['highlevel', 'baseUrl'], String],
]

export interface LoadOptions {
  env?: NodeJS.ProcessEnv
  /** where `rulesFrom` paths are relative to; default: the config file's folder */
  baseDir?: string
  /**
   * leave unset `${VAR}`s empty instead of failing: for commands that evaluate rules but
   * never use secrets (`tagrelay test-rule`)
   */
  allowMissingEnv?: boolean
}

/** Reads, interpolates and validates a YAML config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string, opts: LoadOptions = {}): Config {
  return parseConfigText(readConfigText(file), file, opts)
}

export function parseConfigText(text: string, file: string, opts: LoadOptions = {}): Config {
  const yaml = new YamlFile(file, text)
  if (yaml.doc.errors.length > 0) throw new ConfigError(file, yaml.syntaxProblems())
  return validate(yaml.doc.toJS() ?? {}, file, opts, yaml)
}

/** Validates an already-parsed config object (from YAML, or built in code by tests and the demo). */
export function validateConfig(raw: unknown, file = '(config)', opts: LoadOptions = {}): Config {
  return validate(raw, file, opts, undefined)
}

function validate(raw: unknown, file: string, opts: LoadOptions, yaml: YamlFile | undefined): Config {
  const env = opts.env ?? process.env
  // an unset variable reads as a placeholder so that validation goes on: one run reports
  // it together with every other problem (its own key's echo is left out, below)
  const found: InterpolationProblem[] = []
  const interpolated = interpolate(raw, env, found, [], placeholder)
  const problems: string[] = []
  const unsetAt = new Set<string>()
  for (const p of found) {
    if (p.kind !== 'malformed' && opts.allowMissingEnv) continue
    const path = p.path === '(root)' ? [] : p.path.split('.')
    unsetAt.add(path.join('.'))
    problems.push(formatProblem({ path, message: p.message }, yaml))
  }
  if (interpolated === null || typeof interpolated !== 'object' || Array.isArray(interpolated)) {
    throw new ConfigError(file, ['(root): expected a mapping of keys such as server, store, highlevel, sources, rules'])
  }
  const obj = interpolated as Record<string, unknown>
  applyEnvOverrides(obj, env)
  const result = configSchema.safeParse(obj)
  const mainRules = Array.isArray(obj.rules) ? obj.rules : []
  const format = (p: Problem, where: YamlFile | undefined, rules: unknown[]) =>
    formatProblem(
      p,
      where,
      p.path[0] === 'rules' && typeof p.path[1] === 'number' ? ruleName(rules[p.path[1]]) : undefined,
    )
  if (!result.success)
    problems.push(
      ...issueProblems(result.error.issues, [], { schema: configSchema, input: obj })
        .filter((p) => !unsetAt.has(p.path.map(String).join('.')))
        .map((p) => format(p, yaml, mainRules)),
    )
  problems.push(...sourceProblems(obj).map((p) => formatProblem(p, yaml)))

  const rulesFrom = Array.isArray(obj.rulesFrom) ? obj.rulesFrom.filter((f): f is string => typeof f === 'string') : []
  const fromFiles = loadRuleFiles(rulesFrom, opts.baseDir ?? dirname(resolve(file)), env, opts.allowMissingEnv === true)
  problems.push(...fromFiles.problems)
  const entries: RuleEntry[] = [
    ...mainRules.map((r, i): RuleEntry => ({ raw: r, path: ['rules', i], where: yaml })),
    ...fromFiles.entries,
  ]
  for (const { entry, problem } of ruleReferenceProblems(obj, entries))
    problems.push(formatProblem(problem, entry.where, ruleName(entry.raw)))

  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems)
  return {
    ...result.data,
    rules: [...result.data.rules, ...fromFiles.entries.map((e) => e.rule as NonNullable<RuleEntry['rule']>)],
  }
}

function applyEnvOverrides(obj: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, path, convert] of ENV_OVERRIDES) {
    const v = env[name]
    if (v === undefined || v === '') continue
    let node = obj
    for (const key of path.slice(0, -1)) {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {}
      node = node[key] as Record<string, unknown>
    }
    node[path.at(-1) as string] = convert(v)
  }
}
