import { randomFillSync } from 'node:crypto'

const POOL_SIZE = 16 * 256
const pool = Buffer.alloc(POOL_SIZE)
let offset = POOL_SIZE
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 *
 * Why not `randomUUID()` (version 4): event ids are the primary key of `events` and are
 * indexed in `jobs`. Random keys land on a random B-tree page each, so every insert
 * dirties (and the WAL rewrites) another 4 KiB page; time-ordered keys append to the
 * same rightmost pages, which is most of the write cost of a batch. They also sort by
 * arrival, which is what an operator scanning ids expects. 74 random bits keep ids
 * unguessable enough for ids that are not secrets (the admin API needs a token anyway).
 */
export function eventId(now = Date.now()): string {
  if (offset === POOL_SIZE) {
    randomFillSync(pool)
    offset = 0
  }
  const b = pool.subarray(offset, offset + 16)
  offset += 16
  b.writeUIntBE(now, 0, 6)
  b[6] = (b[6]! & 0x0f) | 0x70 // version 7
  b[8] = (b[8]! & 0x3f) | 0x80 // RFC 9562 variant
  let s = ''
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!]
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-'
  }
  return s
}
