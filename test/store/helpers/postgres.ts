import pg from 'pg'
import root from 'tap'
import { openStore } from '../../../src/store/index.js'
import { quoteIdent } from '../../../src/store/postgres/migrate.js'
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
/** A schema name no other test file or run uses. */
const newSchemaName = () => `t_${process.pid}_${Date.now().toString(36)}_${++n}`
const dropSchema = (c: pg.Client, schema: string) => c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)

/** A schema name no other test file or run uses; dropped when `t` ends. */
export function freshSchema(t: Tap, url: string): string {
  const schema = newSchemaName()
  t.teardown(() => withClient(url, (c) => dropSchema(c, schema)))
  return schema
}

/** What emptying a migrated schema needs to know, read once per process off the first one. */
interface Emptying {
  /** the tables (but schema_migrations), each after every table whose rows point at it */
  tables: string[]
  sequences: string[]
  /** the rows the migrations themselves write, per table (alert_leader's one row, for one) */
  seeds: Map<string, unknown[]>
}

/** every schema emptySchema made in this file, and those of them free for the next test */
let made: string[] = []
let spare: string[] = []
let emptying: Promise<Emptying> | undefined

/**
 * A schema for one test holding a migrated store with no rows but those the migrations
 * write: the same as a new schema once migrated. When `t` ends its rows are deleted, and
 * the next test of this process gets it again; the file's end drops them all.
 *
 * Why: a new schema costs about 170 ms of PostgreSQL's CPU (29 migrations' DDL, then
 * `DROP SCHEMA ... CASCADE`), and the store contract opens some 60. Deleting the rows of a
 * used one takes about 4 ms (`TRUNCATE` about 55 ms: it makes new files for every table and
 * index). The contract file took 22 s, most of it in DDL, and was the longest file of
 * `npm run test:fast`. A test of migrating itself takes `freshSchema`.
 */
export async function emptySchema(t: Tap, url: string): Promise<string> {
  let schema = spare.pop()
  if (schema === undefined) {
    schema = newSchemaName()
    // a schema whose emptying failed is not reused, and is dropped with the others
    if (made.length === 0)
      root.teardown(async () => {
        const all = made
        made = []
        spare = []
        emptying = undefined
        await withClient(url, async (c) => {
          for (const schema of all) await dropSchema(c, schema)
        })
      })
    made.push(schema)
    await (await openStore({ url, postgres: { schema, poolSize: 1 } })).close()
    // read while the schema is as its migrations left it, before any test writes to it
    await (emptying ??= readEmptying(url, schema))
  }
  const used = schema
  t.teardown(async () => {
    const { tables, sequences, seeds } = await emptying!
    await withClient(url, async (c) => {
      const q = (name: string) => `${quoteIdent(used)}.${quoteIdent(name)}`
      await c.query('BEGIN')
      for (const table of tables) await c.query(`DELETE FROM ${q(table)}`)
      for (const seq of sequences) await c.query('SELECT setval($1::regclass, 1, false)', [q(seq)])
      for (const [table, rows] of seeds)
        await c.query(`INSERT INTO ${q(table)} SELECT * FROM json_populate_recordset(NULL::${q(table)}, $1)`, [
          JSON.stringify(rows),
        ])
      await c.query('COMMIT')
    })
    spare.push(used)
  })
  return schema
}

async function readEmptying(url: string, schema: string): Promise<Emptying> {
  return withClient(url, async (c) => {
    const tables = (
      await c.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
         WHERE ns.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'schema_migrations' ORDER BY 1`,
        [schema],
      )
    ).rows.map((r) => r.name)
    const refs = (
      await c.query<{ child: string; parent: string }>(
        `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
         JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
         JOIN pg_namespace ns ON ns.oid = k.connamespace
         WHERE k.contype = 'f' AND ns.nspname = $1 AND ch.relname <> pa.relname`,
        [schema],
      )
    ).rows
    // children first: a table goes once no table still to go points at it
    const ordered: string[] = []
    const left = new Set(tables)
    while (left.size > 0) {
      const next = [...left].filter((table) => !refs.some((r) => r.parent === table && left.has(r.child)))
      if (next.length === 0) throw new Error(`emptySchema: a cycle of foreign keys among ${[...left].join(', ')}`)
      for (const table of next) {
        ordered.push(table)
        left.delete(table)
      }
    }
    const sequences = (
      await c.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
         WHERE ns.nspname = $1 AND c.relkind = 'S'`,
        [schema],
      )
    ).rows.map((r) => r.name)
    const seeds = new Map<string, unknown[]>()
    for (const table of tables) {
      const { rows } = await c.query<{ rows: unknown[] | null }>(
        `SELECT json_agg(t) AS rows FROM ${quoteIdent(schema)}.${quoteIdent(table)} t`,
      )
      if (rows[0]?.rows) seeds.set(table, rows[0].rows)
    }
    return { tables: ordered, sequences, seeds }
  })
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
