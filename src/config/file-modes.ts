import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse } from 'yaml'
import { ruleFilePaths } from './rule-files.js'

/** Keys whose value is a credential wherever they appear (sources, locations, admin, metrics). */
const SECRET_KEYS = new Set([
  'token',
  'viewerToken',
  'secret',
  'verifyToken',
  'clientSecret',
  'refreshToken',
  'password',
  'secretKey',
  'sharedSecret',
])
/** `scheme://user:password@host`: the password part of a store URL */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:([^/@]*)@/i

export interface FileWarning {
  file: string
  /** the permission bits, e.g. "0644" */
  mode: string
  message: string
}

/**
 * Warnings about who else can use the config and rules files: writable by other users
 * (they can change what is tagged, or point sources at no verification), or readable by
 * them while the file holds a secret written inline rather than as `${VAR}`. Logged at
 * start and printed by `tagrelay check`; not an error, since a container image or a CI
 * runner may have good reasons for its modes. POSIX modes only: nothing on Windows.
 */
export function fileWarnings(configFile: string, rulesFrom: readonly string[]): FileWarning[] {
  if (process.platform === 'win32') return []
  const files = [resolve(configFile), ...ruleFilePaths(rulesFrom, dirname(resolve(configFile))).files]
  const out: FileWarning[] = []
  for (const file of files) {
    let mode: number
    try {
      mode = statSync(file).mode & 0o777
    } catch {
      continue // unreadable files are reported by the loader
    }
    const octal = `0${mode.toString(8)}`
    if (mode & 0o002)
      out.push({
        file,
        mode: octal,
        message: `${file} is writable by other users (mode ${octal}): anyone on this machine can change the sources and rules; run chmod o-w`,
      })
    if (!(mode & 0o004)) continue
    const secretAt = inlineSecret(file)
    if (secretAt)
      out.push({
        file,
        mode: octal,
        message: `${file} is readable by other users (mode ${octal}) and holds a secret inline at ${secretAt}: write it as \${VAR} from the environment, or run chmod o-r`,
      })
  }
  return out
}

/** The key path of the first secret written inline (not from `${VAR}`), or undefined. */
function inlineSecret(file: string): string | undefined {
  let doc: unknown
  try {
    doc = parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined // a syntax error is reported by the loader
  }
  const stack: Array<[unknown, string]> = [[doc, '']]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    for (const [k, v] of Object.entries(node)) {
      const at = path ? `${path}.${k}` : k
      if (isInline(k, v, path)) return at
      stack.push([v, at])
    }
  }
  return undefined
}

function isInline(key: string, value: unknown, parent: string): boolean {
  const literal = (v: unknown) => typeof v === 'string' && v !== '' && !v.includes('${')
  if (SECRET_KEYS.has(key)) return Array.isArray(value) ? value.some(literal) : literal(value)
  if (key === 'url' && parent === 'store' && typeof value === 'string') {
    const password = URL_PASSWORD.exec(value)?.[1]
    return password !== undefined && literal(password)
  }
  return false
}
