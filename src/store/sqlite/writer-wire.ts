import { isErrorCode, TagrelayError } from '../../errors.js'
import type { RefusedBounds } from '../ops/types.js'
import type { AcceptResult } from '../types.js'
import type { AcceptRow } from './accept.js'
import type { SqliteOptions } from './open.js'

/** An error as it crosses threads: structured clone keeps neither class nor `code`. */
export interface WireError {
  message: string
  code?: string
  statusCode?: number
}

/** What the process asks of the writer thread; `seq` pairs each request with its reply. */
export type WriterRequest =
  | { seq: number; op: 'open'; db: number; path: string; options: SqliteOptions }
  | { seq: number; op: 'accept'; db: number; rows: AcceptRow[] }
  | { seq: number; op: 'refused'; db: number; values: unknown[]; bounds: RefusedBounds }
  | { seq: number; op: 'close'; db: number }

export type WireOutcome = { ok: true; value: AcceptResult } | { ok: false; error: WireError }

export type WriterReply = { seq: number; outcomes?: WireOutcome[]; error?: WireError }

export function toWireError(err: unknown): WireError {
  const e = err as { message?: unknown; code?: unknown; statusCode?: unknown }
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
  }
}

/** Back to an error a caller can match on `code`, as if the write had run in this thread. */
export function fromWireError(wire: WireError): Error {
  // the status is the catalogue's for the code, as it was in the writer thread
  if (isErrorCode(wire.code)) return new TagrelayError(wire.code, wire.message)
  return Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code })
}
