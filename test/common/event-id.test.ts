import t from 'tap'
import { eventId } from '../../src/common/event-id.js'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('event ids are RFC 9562 version 7 UUIDs carrying the arrival millisecond', async (t) => {
  const at = Date.UTC(2026, 10, 27, 14, 0, 0, 123)
  const id = eventId(at)
  t.match(id, UUID_V7)
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at, 'the first 48 bits are the time')
})

t.test('ids sort by arrival and do not repeat', async (t) => {
  const ids = Array.from({ length: 50_000 }, (_, i) => eventId(1_800_000_000_000 + Math.floor(i / 10)))
  t.equal(new Set(ids).size, ids.length, 'no repeat in 50,000 (the random pool is refilled along the way)')
  const firstOfEachMs = ids.filter((_, i) => i % 10 === 0)
  t.same([...firstOfEachMs].sort(), firstOfEachMs, 'a later millisecond sorts after an earlier one')
  t.ok(ids.every((id) => UUID_V7.test(id)))
})
