import { Worker } from 'node:worker_threads'
import { codes, TagrelayError } from '../../errors.js'
import type { RefusedBounds } from '../ops/types.js'
import type { AcceptResult } from '../types.js'
import type { AcceptRow } from './accept.js'
import type { Outcome } from './group-commit.js'
import { openFailed, type SqliteOptions } from './open.js'
import { fromWireError, type WriterReply, type WriterRequest } from './writer-wire.js'

// under tsx / ts-node the sources are .ts files; built, they are .js
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const ENTRY = new URL(FROM_SOURCE ? './writer-thread.ts' : './writer-thread.js', import.meta.url)

/**
 * How to start the thread. Built code: the .js entry. From source, a `--loader` given
 * on the command line (ts-node's) is inherited by the thread; module hooks registered at
 * run time (the `tsx` command, `node --import tsx`, tap's test/helpers/tsx-coverage.mjs)
 * are not, so there the thread registers tsx itself before importing its entry: the same
 * compiler, and tsx's cache on disk, as the main thread.
 */
function threadScript(): { script: string | URL; eval: boolean } {
  if (!FROM_SOURCE || process.execArgv.some((a) => /@tapjs\/typescript|ts-node/.test(a)))
    return { script: ENTRY, eval: false }
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return {
    script: `import(${api}).then((m) => m.register()).then(() => import(${JSON.stringify(ENTRY.href)}))`,
    eval: true,
  }
}

/**
 * The thread that commits accepts for SQLite files: one per process, one connection in
 * it per open database file.
 *
 * Why a thread: with `synchronous=FULL` every commit waits for fsync, and better-sqlite3
 * is synchronous: on the event loop, that wait would stall every request in flight,
 * parsing and verifying included. On its own thread, with its own connection (WAL: the
 * main connection's readers are never blocked by it), the commit waits while the event
 * loop goes on receiving the next batch. Only accepts go here: they are the hot path;
 * delivery's writes are few per batch of events and stay on the main connection, which
 * waits for the writer's lock through `busy_timeout`.
 *
 * Why one thread per process rather than per store: starting a thread costs tens of
 * milliseconds (and seconds under a TypeScript loader); a CLI command or a test opening
 * stores one after another pays it once.
 */
class WriterThread {
  static #current: WriterThread | null = null
  readonly #worker: Worker
  readonly #pending = new Map<number, { resolve: (r: WriterReply) => void; reject: (e: unknown) => void }>()
  #seq = 0
  /** set once the thread has died */
  failure: Error | null = null

  /** The process's writer thread, started on first use (again if the last one died). */
  static get(): WriterThread {
    if (WriterThread.#current === null || WriterThread.#current.failure) WriterThread.#current = new WriterThread()
    return WriterThread.#current
  }

  private constructor() {
    const { script, eval: evaluate } = threadScript()
    this.#worker = new Worker(script, { eval: evaluate })
    this.#worker.unref()
    this.#worker.on('message', (reply: WriterReply) => this.#answer(reply))
    this.#worker.on('error', (err) => this.#fail(err))
    this.#worker.on('exit', (code) => this.#fail(new Error(`writer thread exited (code ${code})`)))
  }

  request(msg: DistributiveOmit<WriterRequest, 'seq'>, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    if (this.failure) return Promise.reject(this.failure)
    const seq = ++this.#seq
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject })
      this.#worker.ref() // a request in flight keeps the process alive until it is answered
      this.#worker.postMessage({ ...msg, seq } as WriterRequest, transfer)
    })
  }

  #answer(reply: WriterReply): void {
    const waiter = this.#pending.get(reply.seq)
    if (!waiter) return
    this.#pending.delete(reply.seq)
    if (this.#pending.size === 0) this.#worker.unref()
    if (reply.error) waiter.reject(fromWireError(reply.error))
    else waiter.resolve(reply)
  }

  #fail(err: Error): void {
    this.failure ??= new TagrelayError(
      codes.TAGRELAY_STORE_WRITER_FAILED,
      `SQLite writer thread failed: ${err.message}`,
      { cause: err },
    )
    for (const waiter of this.#pending.values()) waiter.reject(this.failure)
    this.#pending.clear()
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

let nextDb = 0

/** One database file's connection on the writer thread. */
export class WriterConnection {
  #closed = false

  private constructor(
    private readonly thread: WriterThread,
    private readonly db: number,
  ) {}

  /** Opens the file on the writer thread; its statements need the schema migrated first. */
  static async open(path: string, options: SqliteOptions): Promise<WriterConnection> {
    const thread = WriterThread.get()
    const db = ++nextDb
    try {
      await thread.request({ op: 'open', db, path, options })
    } catch (err) {
      throw openFailed(`SQLite writer thread cannot open ${path}`, err)
    }
    return new WriterConnection(thread, db)
  }

  /** Set once the thread has died: accepts then fail, and `ping()` reports it. */
  get failure(): Error | null {
    return this.thread.failure
  }

  async run(rows: AcceptRow[]): Promise<Outcome<AcceptResult>[]> {
    const reply = await this.thread.request({ op: 'accept', db: this.db, rows })
    return (reply.outcomes ?? []).map((o) => (o.ok ? o : { ok: false, error: fromWireError(o.error) }))
  }

  /**
   * Keeps one refused request (insert, trim, expire) on the thread. Why the body is
   * moved, not cloned: copying a megabyte is the largest cost a refusal has left on
   * this thread. A body that owns its whole backing store (any large one: Fastify
   * concatenates it into a fresh buffer) is transferred, which empties the caller's
   * Buffer; a small one, a view into Node's shared pool, is copied.
   */
  async keepRefused(values: unknown[], bounds: RefusedBounds): Promise<void> {
    const body = values[8] as Buffer
    const owns =
      body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer
    const moved = owns ? body : Buffer.from(body)
    const message = {
      op: 'refused' as const,
      db: this.db,
      values: values.map((v, i) => (i === 8 ? moved : v)),
      bounds,
    }
    await this.thread.request(message, owns ? [body.buffer as ArrayBuffer] : [])
  }

  async close(): Promise<void> {
    if (this.#closed || this.thread.failure) return
    this.#closed = true
    await this.thread.request({ op: 'close', db: this.db })
  }
}
