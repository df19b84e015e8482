import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/** What each environment got from its env file: a reload compares against it. */
const fromFile = new WeakMap<NodeJS.ProcessEnv, Map<string, string>>()

/**
 * Loads `TAGRELAY_ENV_FILE` (KEY=value lines) into the environment when that file exists;
 * variables already set win. Why: the container image points it at the `.env` next to the
 * mounted config, so every variable a config names (a new source's token, say) reaches
 * the process without listing it in docker-compose.yml, and a missing `.env` is fine.
 * Returns the file read, or undefined.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.TAGRELAY_ENV_FILE
  if (!file) return undefined
  const values = readEnvFile(file)
  if (!values) return undefined
  const applied = new Map<string, string>()
  for (const [key, value] of Object.entries(values))
    if (env[key] === undefined) {
      env[key] = value
      applied.set(key, value)
    }
  fromFile.set(env, applied)
  return file
}

export interface EnvFileChange {
  file: string
  /** new in the file and not set otherwise: now in the environment */
  added: string[]
  /** given by the file at start (or a reload) and now different or gone: a restart applies them */
  changed: string[]
}

/**
 * Re-reads `TAGRELAY_ENV_FILE` on a config reload. A variable new to the file is added
 * (so a rules file naming it validates); one the file gave before and now changes or
 * drops is updated too, and listed in `changed`: settings read at start (a sender's
 * secret, a HighLevel token) keep their old value until a restart. Variables set in the
 * process's own environment still win. Names only, never values, leave this function.
 */
export function reloadEnvFile(env: NodeJS.ProcessEnv = process.env): EnvFileChange | undefined {
  const file = env.TAGRELAY_ENV_FILE
  if (!file) return undefined
  const values = readEnvFile(file) ?? {}
  const applied = fromFile.get(env) ?? new Map<string, string>()
  const change: EnvFileChange = { file, added: [], changed: [] }
  for (const [key, value] of Object.entries(values)) {
    if (applied.has(key)) {
      if (applied.get(key) === value) continue
      change.changed.push(key)
    } else if (env[key] === undefined) change.added.push(key)
    else continue
    env[key] = value
    applied.set(key, value)
  }
  for (const key of applied.keys())
    if (!(key in values)) {
      change.changed.push(key)
      delete env[key]
      applied.delete(key)
    }
  fromFile.set(env, applied)
  return change
}

function readEnvFile(file: string): Record<string, string> | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`TAGRELAY_ENV_FILE ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  return parseEnv(text) as Record<string, string>
}
