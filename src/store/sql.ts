/**
 * The dialect layer: every role is written once (one SQL text per operation) over `Sql`,
 * and each store gives it a driver (sqlite/sql.ts, postgres/sql.ts).
 *
 * Why a hand-written shim rather than a query builder (Kysely compiles for both dialects
 * without running anything): we counted what differs. Of the ~100 statements the two
 * stores run, 77 are one text for both here (the roles beside this file), once three
 * mechanical differences are rewritten at prepare time (below); the ~23 left differ in
 * ways a builder does not hide either: advisory locks (PostgreSQL only), one `unnest`
 * statement for many rows on PostgreSQL where SQLite runs one per row (no round trip
 * there), the accept's dedupe claim, JSON functions in the event list, the lease
 * takeover of SQLite's one delivering process. A builder would still need those
 * branches, and it would cost where SQLite is fastest: a list parameter becomes one
 * placeholder per element there, so every list length is a new text to prepare, where
 * `json_each($n)` keeps one prepared statement; and it adds a dependency and a second
 * way to spell the SQL that the migrations and the writer thread would
 * not use. So the SQL is written once, in PostgreSQL's spelling, and the
 * SQLite driver (sqlite/sql.ts) rewrites, once per text: `::type` casts are dropped,
 * `= ANY ($n)` becomes `IN (SELECT value FROM json_each($n))` (arrays are bound as JSON
 * text), and `FOR UPDATE ... SKIP LOCKED` is dropped (SQLite serialises writers on its
 * one lock); `$n` is a named parameter there too. PostgreSQL drops SQLite's `INDEXED BY`
 * hints. What really differs is code of its own, in sqlite/ and postgres/.
 *
 * Why transactions are generator functions: better-sqlite3 is synchronous, and a
 * transaction on its one connection must not interleave with another caller's
 * statements. A body that `yield*`s its statements runs synchronously on SQLite, inside
 * `db.transaction()` (nothing else can run in between), and statement by statement on a
 * pooled PostgreSQL connection, from the same code.
 */

/** One statement for a driver to run: its rows (`all`), or how many rows it changed (`run`). */
export interface Step {
  kind: 'all' | 'run'
  text: string
  params: readonly unknown[]
}

/** A transaction's body; called again if the driver has to retry the transaction. */
export type Body<T> = () => Generator<Step, T, unknown>

/** Statements inside a body: `const rows = yield* q.all<Row>(SQL, [a, b])`. */
export const q = {
  *all<R>(text: string, params: readonly unknown[] = []): Generator<Step, R[], unknown> {
    return (yield { kind: 'all', text, params }) as R[]
  },
  *get<R>(text: string, params: readonly unknown[] = []): Generator<Step, R | undefined, unknown> {
    return (yield* q.all<R>(text, params))[0]
  },
  *run(text: string, params: readonly unknown[] = []): Generator<Step, number, unknown> {
    return (yield { kind: 'run', text, params }) as number
  },
}

export interface WriteOptions {
  /**
   * SQLite: commit with the delivery engine's other writes of this turn, on the main
   * connection (sqlite/main-writes.ts says why); PostgreSQL: a transaction like any.
   */
  group?: boolean
  /** with `group`: the commit keeps the configured durability (an OAuth token rotation) */
  durable?: boolean
}

/** A store's connection, as the roles see it. */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres'
  /** one statement on its own; `options.group` as for `write` */
  all<R>(text: string, params?: readonly unknown[], options?: WriteOptions): Promise<R[]>
  get<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>
  run(text: string, params?: readonly unknown[], options?: WriteOptions): Promise<number>
  /** one write transaction */
  write<T>(body: Body<T>, options?: WriteOptions): Promise<T>
  /** one consistent snapshot */
  read<T>(body: Body<T>): Promise<T>
}

/** A role written once over a store's `Sql` (../assemble.ts gives each its store's). */
export abstract class SqlRole {
  constructor(protected readonly sql: Sql) {}
}

/** `($1, $2, ...)`: `n` parameters numbered after `from` */
export function placeholders(n: number, from = 0): string {
  return `(${Array.from({ length: n }, (_, i) => `$${from + i + 1}`).join(', ')})`
}

/** Runs a body step by step with `exec` (synchronous for SQLite, so this works for both). */
export function drive<T>(body: Body<T>, exec: (step: Step) => unknown): T {
  const steps = body()
  let next = steps.next()
  while (!next.done) next = steps.next(exec(next.value))
  return next.value
}

/** The same for a driver whose statements are asynchronous (PostgreSQL). */
export async function driveAsync<T>(body: Body<T>, exec: (step: Step) => Promise<unknown>): Promise<T> {
  const steps = body()
  let next = steps.next()
  while (!next.done) next = steps.next(await exec(next.value))
  return next.value
}
