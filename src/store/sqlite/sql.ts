import type BetterSqlite3 from 'better-sqlite3'
import { codes, TagrelayError } from '../../errors.js'
import { drive, type Body, type Sql, type Step, type WriteOptions } from '../sql.js'
import { MainWrites } from './main-writes.js'

/** PostgreSQL's spelling to SQLite's (../sql.ts says which three things and why). */
export function toSqlite(text: string): string {
  return text
    .replace(/::[a-z]+(\[\])?/g, '')
    .replace(/= ANY \((\$\d+)\)/g, 'IN (SELECT value FROM json_each($1))')
    .replace(/FOR UPDATE( OF \w+)? SKIP LOCKED/g, '')
}

/** Arrays as JSON text (json_each reads them), booleans as 0/1, bound to `$1`, `$2`, ... */
export function bind(params: readonly unknown[]): Record<number, unknown> {
  const named: Record<number, unknown> = {}
  params.forEach((v, i) => {
    named[i + 1] = Array.isArray(v) ? JSON.stringify(v) : typeof v === 'boolean' ? Number(v) : (v ?? null)
  })
  return named
}

/** Runs steps on `db`, each text prepared once, on first use (after `before()`, which may throw). */
export function executor(db: BetterSqlite3.Database, before = (): void => {}): (step: Step) => unknown {
  const statements = new Map<string, BetterSqlite3.Statement>()
  return (step) => {
    let statement = statements.get(step.text)
    if (statement === undefined) {
      before()
      statement = db.prepare(toSqlite(step.text))
      statements.set(step.text, statement)
    }
    const params = bind(step.params)
    return step.kind === 'all' ? statement.all(params) : statement.run(params).changes
  }
}

/**
 * The SQLite driver, on the store's main connection. Statements are prepared once per
 * text, on first use: SQLite checks table names at prepare time, so only after
 * `migrate()` (before it, every call says so with TAGRELAY_STORE_NOT_MIGRATED).
 *
 * Why every writing transaction is `BEGIN IMMEDIATE`: a deferred transaction that reads
 * first and writes later can fail with SQLITE_BUSY when another connection wrote in
 * between, and busy_timeout cannot retry that. Taking the write lock up front makes a
 * second process wait its turn instead.
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const
  readonly #db: BetterSqlite3.Database
  readonly #writes: MainWrites
  readonly #exec: (step: Step) => unknown
  #migrated = false

  constructor(db: BetterSqlite3.Database) {
    this.#db = db
    this.#writes = new MainWrites(db)
    this.#exec = executor(db, () => this.ready())
  }

  /** statements may be prepared from now on */
  migrated(): void {
    this.#migrated = true
  }

  /** throws unless migrated: fail at once when the store is used before `migrate()` */
  ready(): void {
    if (!this.#migrated)
      throw new TagrelayError(codes.TAGRELAY_STORE_NOT_MIGRATED, 'store used before migrate(): call migrate() first')
  }

  async all<R>(text: string, params: readonly unknown[] = [], options?: WriteOptions): Promise<R[]> {
    return this.#one({ kind: 'all', text, params }, options) as Promise<R[]>
  }

  async get<R>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.all<R>(text, params))[0]
  }

  async run(text: string, params: readonly unknown[] = [], options?: WriteOptions): Promise<number> {
    return this.#one({ kind: 'run', text, params }, options) as Promise<number>
  }

  async #one(step: Step, options: WriteOptions = {}): Promise<unknown> {
    if (!options.group) return this.#exec(step)
    this.ready()
    return this.#writes.run(() => this.#exec(step), options.durable)
  }

  async write<T>(body: Body<T>, options: WriteOptions = {}): Promise<T> {
    this.ready()
    if (options.group) return this.#writes.run(() => drive(body, this.#exec), options.durable)
    return this.#db.transaction(() => drive(body, this.#exec)).immediate()
  }

  async read<T>(body: Body<T>): Promise<T> {
    return this.#db.transaction(() => drive(body, this.#exec))()
  }

  /** waits for the grouped writes queued so far (close) */
  flush(): Promise<void> {
    return this.#writes.flush()
  }
}
