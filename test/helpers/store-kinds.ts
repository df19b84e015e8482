import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type t from 'tap'
import { openStore, type Store } from '../../src/store/index.js'
import { freshSchema, postgresForTests } from '../store/helpers/postgres.js'

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

export interface StoreKind {
  name: 'SQLite' | 'PostgreSQL'
  /** in a test: a way to open (again) the same store, a SQLite file or a PostgreSQL schema, dropped at teardown */
  open: (t: Tap) => () => Promise<Store>
}

/**
 * The stores a pipeline test runs on: a SQLite file always, PostgreSQL when
 * TEST_DATABASE_URL reaches one. Each `open` can be called again for a "restarted
 * process" on the same data.
 */
export async function storeKinds(t: Tap, prefix: string): Promise<StoreKind[]> {
  const out: StoreKind[] = [
    {
      name: 'SQLite',
      open: (t) => {
        const dir = mkdtempSync(join(tmpdir(), `tagrelay-${prefix}-`))
        t.teardown(() => rmSync(dir, { recursive: true, force: true }))
        return () => openStore({ url: `sqlite:${join(dir, 'tagrelay.db')}` })
      },
    },
  ]
  const url = await postgresForTests(t)
  if (url)
    out.push({
      name: 'PostgreSQL',
      open: (t) => {
        const schema = freshSchema(t, url)
        return () => openStore({ url, postgres: { schema, poolSize: 4 } })
      },
    })
  return out
}
