import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import type { z } from 'zod'
import { crossReferenceProblems } from './cross-check.js'
import { ConfigError } from './errors.js'
import { interpolate, type InterpolationProblem } from './interpolate.js'
import { configSchema, type Config } from './schema.js'

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
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0]
        return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`
      }),
    )
  }
  return validateConfig(doc.toJS() ?? {}, file, opts)
}

/** Validates an already-parsed config object (from YAML, or built in code by tests and the demo). */
export function validateConfig(raw: unknown, file = '(config)', opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env
  const missing: InterpolationProblem[] = []
  const interpolated = interpolate(raw, env, missing)
  if (missing.length > 0) throw new ConfigError(file, missing.map((p) => `${p.path}: ${p.message}`))
  if (interpolated === null || typeof interpolated !== 'object' || Array.isArray(interpolated)) {
    throw new ConfigError(file, ['(root): expected a mapping of keys such as server, store, highlevel, sources, rules'])
  }
  applyEnvOverrides(interpolated as Record<string, unknown>, env)
  const result = configSchema.safeParse(interpolated)
  const problems = [
    ...(result.success ? [] : formatIssues(result.error.issues)),
    ...crossReferenceProblems(interpolated as Record<string, unknown>),
  ]
  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems)
  return result.data
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

/** zod issues → `key.path: reason`, one per problem, unions flattened to their best branch. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  const out: string[] = []
  for (const issue of issues) {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // the branch with the fewest issues; on a tie, one that got past the type check
      // (its message is the useful one, e.g. a size pattern rather than "expected number")
      const score = (branch: readonly z.core.$ZodIssue[]): number => branch.length + (branch.every((i) => i.code === 'invalid_type') ? 0.5 : 0)
      const best = issue.errors.reduce((a, b) => (score(b) < score(a) ? b : a))
      out.push(...formatIssues(best, path))
      continue
    }
    const where = path.length > 0 ? path.map(String).join('.') : '(root)'
    const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message
    out.push(`${where}: ${message}`)
  }
  return out
}
