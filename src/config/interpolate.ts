/**
 * `${VAR}` and `${VAR:-default}` in any string value of the parsed YAML tree are replaced
 * from the environment, so secrets live in the environment and never in the file.
 * `$${` stands for a literal `${`. Interpolation runs on values after YAML parsing, so a
 * secret containing YAML syntax cannot change the document's structure.
 */
const PATTERN = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

export interface InterpolationProblem {
  path: string
  message: string
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

function interpolateString(
  s: string,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: string[],
  missingAs: (name: string) => string,
): string {
  return s.replace(PATTERN, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1)
    const v = env[name]
    if (v !== undefined && v !== '') return v
    if (fallback !== undefined) return fallback
    problems.push({ path: path.join('.') || '(root)', message: `environment variable ${name} is not set` })
    return missingAs(name)
  })
}

/** What an unset variable reads as when that is allowed: long enough for any secret's length rule. */
export const placeholder = (name: string): string => `unset-${name}-placeholder`
