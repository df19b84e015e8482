import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

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
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`TAGRELAY_ENV_FILE ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  for (const [key, value] of Object.entries(parseEnv(text))) if (env[key] === undefined) env[key] = value
  return file
}
