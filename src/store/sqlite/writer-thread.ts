import { parentPort } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { prepareAcceptBatch } from './accept.js'
import { openDatabase } from './open.js'
import { prepareRefusedKeep } from './refused.js'
import { toWireError, type WireOutcome, type WriterReply, type WriterRequest } from './writer-wire.js'

/**
 * The writer thread's body: one connection per open database file, each running the
 * group-committed accepts and the refused requests kept it is sent. See writer.ts for
 * why this thread exists.
 */
const port = parentPort!
interface Open {
  db: BetterSqlite3.Database
  run: ReturnType<typeof prepareAcceptBatch>
  keepRefused: ReturnType<typeof prepareRefusedKeep>
}
const open = new Map<number, Open>()

function handle(msg: WriterRequest): Omit<WriterReply, 'seq'> {
  if (msg.op === 'open') {
    const db = openDatabase(msg.path, msg.options)
    try {
      open.set(msg.db, { db, run: prepareAcceptBatch(db), keepRefused: prepareRefusedKeep(db) })
    } catch (err) {
      db.close()
      throw err
    }
    return {}
  }
  const conn = open.get(msg.db)
  if (!conn) throw new Error(`writer thread: database ${msg.db} is not open`)
  if (msg.op === 'close') {
    open.delete(msg.db)
    conn.db.close()
    return {}
  }
  if (msg.op === 'refused') {
    conn.keepRefused(msg.values, msg.bounds)
    return {}
  }
  return {
    outcomes: conn.run(msg.rows).map((o): WireOutcome => (o.ok ? o : { ok: false, error: toWireError(o.error) })),
  }
}

port.on('message', (msg: WriterRequest) => {
  let reply: WriterReply
  try {
    reply = { seq: msg.seq, ...handle(msg) }
  } catch (err) {
    reply = { seq: msg.seq, error: toWireError(err) }
  }
  port.postMessage(reply)
})
