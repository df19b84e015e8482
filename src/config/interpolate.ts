/**
 * `${VAR}` and `${VAR:-default}` in any string value of the parsed YAML tree are replaced
 * from the environment, so secrets live in the environment and never in the file.
 * `$${` stands for a literal `${`. Interpolation runs on values after YAML parsing, so a
 * secret containing YAML syntax cannot change the document's structure.
 *
 * Why anything else with `${` is an error rather than text: `"${WEBSITE_TOKEN"` (a
 * missing brace), `"${VAR }"` or `"${A:-${B}}"` taken literally would start the service
 * with the reference itself as the secret, a value anyone who has seen the docs can guess.
 */
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s
const SYNTAX = 'write ${NAME}, ${NAME:-default}, or $${ for a literal "${"'

export interface InterpolationProblem {
  path: string
  message: string
  /** `malformed` is always an error; `missing` may be allowed (test-rule) */
  kind: 'missing' | 'malformed'
}

export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: string[] = [],
  /** what an unset variable becomes (after being reported): '' by default */
  missingAs: (name: string) => string = () => '',
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path, missingAs)
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, problems, [...path, String(i)], missingAs))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, problems, [...path, k], missingAs)
    return out
  }
  return value
}

/** One pass, left to right: every `$` is an escape, a reference, or itself. */
function interpolateString(
  s: string,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: string[],
  missingAs: (name: string) => string,
): string {
  const where = path.join('.') || '(root)'
  let out = ''
  let i = 0
  for (let at = s.indexOf('$'); at !== -1; at = s.indexOf('$', i)) {
    out += s.slice(i, at)
    if (s.startsWith('$${', at)) {
      out += '${'
      i = at + 3
      continue
    }
    if (s[at + 1] !== '{') {
      out += '$'
      i = at + 1
      continue
    }
    const close = s.indexOf('}', at + 2)
    const inner = close === -1 ? undefined : s.slice(at + 2, close)
    const m = inner === undefined ? null : REFERENCE.exec(inner)
    if (!m || (m[2] ?? '').includes('${')) {
      const text = close === -1 ? s.slice(at) : s.slice(at, close + 1)
      const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text
      const why = close === -1 ? 'has no closing "}"' : 'is not a variable reference'
      problems.push({ path: where, kind: 'malformed', message: `"${shown}" ${why}: ${SYNTAX}` })
      return s
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined]
    const v = env[name]
    if (v !== undefined && v !== '') out += v
    else if (fallback !== undefined) out += fallback
    else {
      problems.push({ path: where, kind: 'missing', message: `environment variable ${name} is not set` })
      out += missingAs(name)
    }
    i = close + 1
  }
  return out + s.slice(i)
}

/** What an unset variable reads as when that is allowed: long enough for any secret's length rule. */
export const placeholder = (name: string): string => `unset-${name}-placeholder`
