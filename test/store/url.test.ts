import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openStore, parseStoreUrl } from '../../src/store/index.js'

t.test('parseStoreUrl', async (t) => {
  t.same(parseStoreUrl('sqlite:./data/tagrelay.db'), { kind: 'sqlite', path: './data/tagrelay.db' })
  t.same(parseStoreUrl('sqlite:data.db'), { kind: 'sqlite', path: 'data.db' })
  t.same(parseStoreUrl('sqlite:///var/lib/tagrelay.db'), { kind: 'sqlite', path: '/var/lib/tagrelay.db' })
  t.same(parseStoreUrl('sqlite:/abs.db'), { kind: 'sqlite', path: '/abs.db' })
  t.same(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' })
  t.same(parseStoreUrl('SQLite:x.db'), { kind: 'sqlite', path: 'x.db' })
  t.same(parseStoreUrl('postgres://u:p@h/db'), { kind: 'postgres', url: 'postgres://u:p@h/db' })
  t.same(parseStoreUrl('postgresql://h/db'), { kind: 'postgres', url: 'postgresql://h/db' })
})

t.test('parseStoreUrl rejects', async (t) => {
  const bad = [
    'mysql://u:secret@h/db',
    './data.db',
    '',
    'sqlite:',
    'sqlite://host/x.db',
    'sqlite:dir/',
    'postgres:h/db',
  ]
  for (const url of bad) {
    t.throws(() => parseStoreUrl(url), { code: 'TAGRELAY_CONFIG_INVALID', statusCode: 500 }, JSON.stringify(url))
  }
  t.throws(() => parseStoreUrl('mysql://u:secret@h/db'), {
    message: 'store.url: unsupported scheme "mysql:" (expected sqlite:<path> or postgres://...)',
  })
  try {
    parseStoreUrl('mysql://u:secret@h/db')
  } catch (err) {
    t.notMatch((err as Error).message, /secret/, 'the URL (and its password) is not echoed')
  }
})

t.test('openStore', async (t) => {
  const unreachable = await openStore({ url: 'postgres://u:secret@127.0.0.1:1/db' }).catch(
    (err: unknown) => err as Error & { code?: string },
  )
  t.match(unreachable, {
    code: 'TAGRELAY_STORE_OPEN_FAILED',
    statusCode: 500,
    message: /^cannot connect to PostgreSQL at 127\.0\.0\.1:1: /,
  })
  t.notMatch((unreachable as Error).message, /secret/, 'the password is not echoed')
  await t.rejects(openStore({ url: 'postgres://u:secret@127.0.0.1:1/db', migrate: false }), {
    code: 'TAGRELAY_STORE_OPEN_FAILED',
  })
  await t.rejects(openStore({ url: 'redis://h' }), { code: 'TAGRELAY_CONFIG_INVALID' })

  const mem = await openStore({ url: 'sqlite::memory:' })
  t.equal(mem.kind, 'sqlite')
  t.equal(await mem.housekeeping.countEvents(), 0, 'migrated and usable')
  await mem.close()

  const dir = t.testdir({})
  const path = join(dir, 'nested', 'deeper', 'x.db')
  const file = await openStore({ url: `sqlite://${path}` })
  t.ok(existsSync(path), 'sqlite:///abs path, parent directories created')
  await file.close()
})

t.test('openStore relative path is relative to the working directory', async (t) => {
  const dir = t.testdir({})
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(cwd))
  const store = await openStore({ url: 'sqlite:./data/rel.db' })
  await store.close()
  t.ok(existsSync(join(dir, 'data', 'rel.db')))
})
