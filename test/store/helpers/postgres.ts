import pg from 'pg'
import type { Tap } from '../fixtures.js'

/**
 * PostgreSQL for tests: `TEST_DATABASE_URL` (`.ci/run` sets it to the local server).
 * Without it, or with no server answering, the caller skips its PostgreSQL tests: this
 * records a TAP skip with the reason (`ok - PostgreSQL tests # SKIP ...`, not an empty
 * file) and says so loudly on stderr, since a green run must not hide that half the store
 * contract was never exercised. scripts/check-coverage.mjs then leaves the PostgreSQL-only
 * sources out of the floor, and says so.
 */
export async function postgresForTests(t: Tap): Promise<string | undefined> {
  const url = process.env.TEST_DATABASE_URL
  const why = url ? await unreachable(url) : 'TEST_DATABASE_URL is not set'
  if (why === undefined) return url
  const message = `!!! PostgreSQL tests SKIPPED: ${why}. Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (see .ci/run) !!!`
  console.error(`\n${'!'.repeat(message.length)}\n${message}\n${'!'.repeat(message.length)}\n`)
  t.test('PostgreSQL tests', { skip: `${why}: set TEST_DATABASE_URL to run them` }, () => {})
  return undefined
}

async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (err) {
    return `cannot reach the server (${(err as Error).message})`
  } finally {
    await client.end().catch(() => {})
  }
}

let n = 0

/** A schema name no other test file or run uses; dropped when `t` ends. */
export function freshSchema(t: Tap, url: string): string {
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${++n}`
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  })
  return schema
}
