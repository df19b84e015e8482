import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import t from 'tap'
import { latestSchemaVersion, openStore, type Store } from '../../src/store/index.js'
import { attempt, event, job, T0, type Tap } from './fixtures.js'
import { freshSchema, postgresForTests } from './helpers/postgres.js'

/**
 * A database created by main at 306773e (before issue 26 wrote the store once) opens
 * with this build, reads its rows and takes new writes. The fixtures were made by that
 * commit's code: a SQLite file (test/fixtures/store-306773e.db) and a plain-SQL dump of a
 * PostgreSQL schema (`pg_dump --inserts --schema=tagrelay_fixture`), restored here into
 * a fresh schema. Both hold two events (one deduplicated), a done job with its fence, a
 * dead letter, a pending job, OAuth tokens, a cached contact, a rule set, a stored
 * location and company, an alert, a refused request, a session, an auth failure and a
 * portal link.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url)

/** Tables, columns, indexes and recorded migrations of a SQLite file: what "the same schema" means. */
function sqliteSchema(path: string): unknown {
  const db = new Database(path, { readonly: true })
  try {
    return {
      columns: db
        .prepare(
          `SELECT m.name AS tbl, p.name, p.type, p."notnull", p.dflt_value, p.pk
           FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid`,
        )
        .all(),
      indexes: db.prepare(`SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name`).all(),
      history: db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(),
    }
  } finally {
    db.close()
  }
}

/** The same for a PostgreSQL schema, with the schema's name taken out. */
async function postgresSchema(url: string, schema: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const q = async (sql: string, params = [schema]) =>
      JSON.parse(JSON.stringify((await client.query(sql, params)).rows).replaceAll(`${schema}.`, ''))
    return {
      columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`),
      indexes: await q('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname'),
      history: await q(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`, []),
    }
  } finally {
    await client.end()
  }
}

async function readsAndWrites(t: Tap, store: Store): Promise<void> {
  const first = await store.trail.getEvent('evt_fixture_1')
  t.match(first, { source: 'typeform', contact: { email: 'a@example.com' } }, 'an old event reads back')
  t.match(first?.jobs, [
    { status: 'done', contactId: 'c-1', location: 'main' },
    { status: 'dead', location: 'loc2' },
  ])
  t.match(await store.deadLetters.list(), [{ eventId: 'evt_fixture_1', lastError: /bad phone/ }])
  t.equal(await store.housekeeping.countJobs('pending'), 1)
  t.match(await store.tokens.loadOAuthTokens('loc2'), { refreshToken: 'rt', clientId: 'app' })
  t.same(await store.contacts.lookup('main', ['email:a@example.com'], T0), new Map([['email:a@example.com', 'c-1']]))
  t.equal(await store.ruleSets.loadRuleSet('v1'), '{"rules":[]}')
  t.match(await store.directory.getLocation('loc2'), { name: 'second', companyId: 'co1', disabled: false })
  t.match(await store.alerts.list({ limit: 10 }), [{ kind: 'test', payload: { hi: 1 } }])
  t.match(await store.refused.list({ limit: 10 }), [{ source: 'typeform', code: 'TAGRELAY_BAD_SIGNATURE' }])
  t.match(await store.sessions.get('s1'), { role: 'admin' })
  t.match(await store.authFailures.list(), [{ locationId: 'loc2' }])
  t.match(await store.portalLinks.get('pl1'), { scope: { kind: 'locations', locationIds: ['loc2'] } })
  const fence = await store.jobs.loadFence('main', ['c-1'])
  t.equal(fence.get('c-1')?.get('webinar-2026')?.eventId, 'evt_fixture_1')

  const dup = await store.intake.accept(event({ receivedAt: T0 + 5000 }), [job()], {
    dedupe: { key: 'd-1', expiresAt: T0 + 86_400_000 },
  })
  t.match(dup, { duplicate: true, id: 'evt_fixture_1' }, 'an old dedupe key still holds')
  const fresh = event({ receivedAt: T0 + 6000 })
  t.same(await store.intake.accept(fresh, [job({ location: 'main' })]), { duplicate: false }, 'a new event is accepted')
  const claimed = await store.jobs.claim({ owner: 'new', limit: 10, leaseMs: 60_000, now: T0 + 7000 })
  t.equal(claimed.length, 2, 'the old pending job and the new one are claimed')
  const ids = claimed.map((j) => ({ id: j.id, attempt: attempt() }))
  t.equal(await store.jobs.complete('new', ids), 2)
  t.equal(await store.housekeeping.countJobs('done'), 3)
  t.ok(
    claimed.every((j) => j.id > 0 && j.seq === j.id),
    'new job ids follow the old ones',
  )
}

t.test('a SQLite file made by 306773e', async (t) => {
  const dir = t.testdir({})
  const path = join(dir, 'tagrelay.db')
  copyFileSync(new URL('store-306773e.db', FIXTURES), path)
  const store = await openStore({ url: `sqlite:${path}` })
  t.teardown(() => store.close())
  await readsAndWrites(t, store)
  t.ok(latestSchemaVersion >= 81)
  const made = join(dir, 'new.db')
  await (await openStore({ url: `sqlite:${made}` })).close()
  t.same(sqliteSchema(made), sqliteSchema(path), 'a new file has the schema the old one has')
})

const url = await postgresForTests(t)
if (url)
  t.test('a PostgreSQL schema made by 306773e, restored from its dump', async (t) => {
    const schema = freshSchema(t, url)
    const dump = readFileSync(new URL('store-306773e.pg.sql', FIXTURES), 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('\\')) // psql meta-commands (\restrict) are not SQL
      .join('\n')
      .replaceAll('tagrelay_fixture', schema)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(dump)
    await client.end()
    const store = await openStore({ url, postgres: { schema } })
    t.teardown(() => store.close())
    await readsAndWrites(t, store)
    const made = freshSchema(t, url)
    await (await openStore({ url, postgres: { schema: made } })).close()
    t.same(await postgresSchema(url, made), await postgresSchema(url, schema), 'a new schema is the old one')
  })
