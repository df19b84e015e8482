import t from 'tap'
import { checkDelivery, waitForDelivery, type TagView } from '../../scripts/chaos/check.js'
import type { SentEvent } from '../../scripts/chaos/driver.js'

/** A sandbox view over plain data: contact id → tags, and repeated adds per contact. */
function view(tags: Record<string, string[]>, repeats: Record<string, Record<string, number>> = {}): TagView {
  return {
    getContact: (id) =>
      tags[id]
        ? { id, locationId: 'l', email: null, phone: null, firstName: null, tags: tags[id], dateAdded: '', fields: {} }
        : undefined,
    repeatedTagAdds: (id) => repeats[id] ?? {},
  }
}

const events = (...list: [string, string][]): Map<string, SentEvent> =>
  new Map(list.map(([tag, contactId]) => [tag, { tag, contactId, opt: 'in' as const }]))

t.test('the set check: delivered, lost, duplicates and unacknowledged deliveries', async (t) => {
  const acknowledged = events(['chaos-0', 'a'], ['chaos-1', 'b'], ['chaos-2', 'a'], ['chaos-3', 'missing'])
  const unacknowledged = events(['chaos-4', 'b'], ['chaos-5', 'a'])
  const sandbox = view(
    { a: ['chaos-0', 'chaos-5', 'other'], b: ['chaos-4', 'chaos-2'] },
    { a: { 'chaos-0': 2 }, b: { 'chaos-4': 1 } },
  )
  t.same(
    checkDelivery(sandbox, acknowledged, unacknowledged),
    {
      acknowledged: 4,
      delivered: 1,
      lost: 3,
      duplicatesApplied: 3,
      unacknowledged: 2,
      unacknowledgedDelivered: 2,
      lostTags: ['chaos-1', 'chaos-2', 'chaos-3'],
    },
    'a tag on the wrong contact is lost too; a contact the sandbox lacks loses its tags',
  )
  t.same(checkDelivery(view({}), new Map()), {
    acknowledged: 0,
    delivered: 0,
    lost: 0,
    duplicatesApplied: 0,
    unacknowledged: 0,
    unacknowledgedDelivered: 0,
    lostTags: [],
  })
})

t.test('lostTags keeps the first 20', async (t) => {
  const acknowledged = events(...Array.from({ length: 30 }, (_, i): [string, string] => [`chaos-${i}`, 'a']))
  const check = checkDelivery(view({ a: [] }), acknowledged)
  t.equal(check.lost, 30)
  t.equal(check.lostTags.length, 20)
})

t.test('waitForDelivery returns once everything is there, or at the timeout with what is missing', async (t) => {
  const tags: Record<string, string[]> = { a: [] }
  const acknowledged = events(['chaos-0', 'a'])
  setTimeout(() => (tags.a = ['chaos-0']), 150)
  const done = await waitForDelivery(view(tags), acknowledged, new Map(), 5000)
  t.equal(done.lost, 0)
  t.ok(done.waitedMs >= 100 && done.waitedMs < 5000, `waited ${done.waitedMs} ms`)
  const late = await waitForDelivery(view({ a: [] }), acknowledged, new Map(), 200)
  t.equal(late.lost, 1)
  t.ok(late.waitedMs >= 200)
})
