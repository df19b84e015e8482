import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { ConfigError } from '../../src/config/index.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const TOKEN = 'pit-0123456789abcdef'

/** The smallest config that uses every section: one location, one source, one rule. */
export function minimal(): Record<string, unknown> {
  return {
    highlevel: {
      locations: { main: { locationId: 've9EPM428h8vShlRW1KT', auth: { type: 'private-integration', token: TOKEN } } },
    },
    sources: { typeform: { location: 'main', verify: { type: 'none' } } },
    rules: [{ name: 'lead', source: 'typeform', contact: { email: 'email' }, tags: ['lead'] }],
  }
}

/** Runs `fn`, expecting a ConfigError, and returns its problems. */
export function problemsOf(t: Test, fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    t.type(err, ConfigError, 'throws a ConfigError')
    t.equal((err as ConfigError).code, 'TAGRELAY_CONFIG_INVALID')
    return (err as ConfigError).problems
  }
  t.fail('expected a ConfigError')
  return []
}

/** Asserts one problem starts with `path: ` and matches `pattern`. */
export function hasProblem(t: Test, problems: string[], path: string, pattern: RegExp): void {
  const found = problems.find((p) => p.startsWith(`${path}: `) && pattern.test(p))
  t.ok(found, `problem at ${path} matching ${pattern}`, { problems })
}
