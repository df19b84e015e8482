import t from 'tap'
import { bind, toSqlite } from '../../src/store/sqlite/sql.js'

t.test('SQLite reads the one SQL text with three rewrites (src/store/sql.ts)', async (t) => {
  t.equal(toSqlite('WHERE ($1::text IS NULL OR a = $1) AND b < $2::bigint'), 'WHERE ($1 IS NULL OR a = $1) AND b < $2')
  t.equal(
    toSqlite('WHERE id = ANY ($2::bigint[]) AND x'),
    'WHERE id IN (SELECT value FROM json_each($2)) AND x',
    'an array parameter is read from JSON',
  )
  t.equal(toSqlite('LIMIT $4 FOR UPDATE OF j SKIP LOCKED)'), 'LIMIT $4 )')
  t.equal(toSqlite('LIMIT $2 FOR UPDATE SKIP LOCKED'), 'LIMIT $2 ')
})

t.test('parameters bind by number; arrays as JSON, booleans as 0/1', async (t) => {
  t.same(bind(['a', [1, 2], true, undefined, Buffer.from('x')]), {
    1: 'a',
    2: '[1,2]',
    3: 1,
    4: null,
    5: Buffer.from('x'),
  })
})

t.test('neither store imports the other: what they share is in src/store/', async (t) => {
  const { readdirSync, readFileSync } = await import('node:fs')
  for (const [own, other] of [
    ['postgres', 'sqlite'],
    ['sqlite', 'postgres'],
  ]) {
    const dir = new URL(`../../src/store/${own}/`, import.meta.url)
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8')
      t.notMatch(text, new RegExp(`from '\\.\\./${other}/`), `${own}/${file} imports nothing of ${other}/`)
    }
  }
})
