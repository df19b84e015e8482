import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'

const FAST = { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }

/**
 * The explain trace is stored compressed (SQLite: the `explain_packed` BLOB column).
 *
 * Why: a trace repeats the same keys for every rule evaluated (20 rules: ~5 KiB of JSON
 * for a 1 KiB body), so uncompressed it was most of a stored event and pushed each row
 * past one page into overflow pages: most of the bytes every commit had to write.
 * Brotli at quality 1 shrinks it about ten times for ~30 µs, paid on the writer thread;
 * it is read back only when someone opens the event's trail.
 */
export function packJson(text: string): Buffer {
  return brotliCompressSync(text, FAST)
}

/**
 * The trace of a row: `packed` when set (SQLite since migration 9), else the JSON text
 * (older SQLite rows, PostgreSQL's rows).
 */
export function unpackJson(text: string | null, packed: Buffer | null | undefined): unknown {
  if (packed) return JSON.parse(brotliDecompressSync(packed).toString('utf8'))
  return text === null || text === '' ? null : JSON.parse(text)
}
