import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ruleReferenceProblems, sourceProblems } from './cross-check.js'
import { ConfigError } from './errors.js'
import { interpolate, placeholder, type InterpolationProblem } from './interpolate.js'
import { issueProblems } from './issues.js'
import { formatProblem, YamlFile, type Problem } from './positions.js'
import { loadRuleFiles, ruleName, type RuleEntry } from './rule-files.js'
import { configSchema, type Config } from './schema.js'

export { formatIssues } from './issues.js'

/** Environment variables that override one key each, applied after `${VAR}` interpolation. */
const ENV_OVERRIDES: Array<[string, string[], (v: string) => unknown]> = [
  ['TAGRELAY_HOST', ['server', 'host'], String],
  ['TAGRELAY_PORT', ['server', 'port'], Number],
  ['TAGRELAY_STORE_URL', ['store', 'url'], String],
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
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(file, [`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`])
  }
  return parseConfigText(text, file, opts)
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
  const found: InterpolationProblem[] = []
  const interpolated = interpolate(raw, env, found, [], opts.allowMissingEnv ? placeholder : undefined)
  const unusable = found.filter((p) => p.kind === 'malformed' || !opts.allowMissingEnv)
  if (unusable.length > 0) {
    throw new ConfigError(
      file,
      unusable.map((p) =>
        formatProblem({ path: p.path === '(root)' ? [] : p.path.split('.'), message: p.message }, yaml),
      ),
    )
  }
  if (interpolated === null || typeof interpolated !== 'object' || Array.isArray(interpolated)) {
    throw new ConfigError(file, ['(root): expected a mapping of keys such as server, store, highlevel, sources, rules'])
  }
  const obj = interpolated as Record<string, unknown>
  applyEnvOverrides(obj, env)
  const result = configSchema.safeParse(obj)
  const mainRules = Array.isArray(obj.rules) ? obj.rules : []
  const problems: string[] = []
  const format = (p: Problem, where: YamlFile | undefined, rules: unknown[]) =>
    formatProblem(
      p,
      where,
      p.path[0] === 'rules' && typeof p.path[1] === 'number' ? ruleName(rules[p.path[1]]) : undefined,
    )
  if (!result.success) problems.push(...issueProblems(result.error.issues).map((p) => format(p, yaml, mainRules)))
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
