import type { Database } from 'better-sqlite3'
import type { RefusedBounds } from '../ops/types.js'
import { keepBody } from '../refused.js'
import { drive } from '../sql.js'
import { executor } from './sql.js'

/**
 * The keep transaction (insert, trim the source, drop expired rows) on `db`, the writer
 * thread's connection. Why on the writer: a refused body is up to a megabyte, and
 * writing it synchronously on the event loop (with an fsync) stalled every valid webhook
 * behind a flood of refusals.
 */
export function prepareRefusedKeep(db: Database): (values: unknown[], bounds: RefusedBounds) => void {
  const exec = executor(db)
  const keep = db.transaction((values: unknown[], bounds: RefusedBounds) => {
    // a body that crossed threads arrives as a Uint8Array; SQLite binds a Buffer as a BLOB
    const body = values[8] as Uint8Array
    values[8] = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    drive(keepBody(values, bounds, 'sqlite'), exec)
  })
  // Why without its own fsync: nobody was told a refusal is stored, so losing the last
  // few to a power cut is harmless; the next accept's commit (synchronous=FULL) syncs
  // the WAL with them. A flood of kept refusals then costs the accepts queued behind
  // them on this connection a page write each, not an fsync each.
  const full = (db.pragma('synchronous', { simple: true }) as number) >= 2
  return (values, bounds) => {
    if (full) db.pragma('synchronous = NORMAL')
    try {
      keep.immediate(values, bounds)
    } finally {
      if (full) db.pragma('synchronous = FULL')
    }
  }
}
