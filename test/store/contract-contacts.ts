import type { Store } from '../../src/store/index.js'
import { event, job, T0 } from './fixtures.js'
import type { Tap } from './fixtures.js'

/** Contract cases for what rules hand delivery: phone contacts, create fields, removals, a location override. */
export function contactContract(t: Tap, fresh: (t: Tap) => Promise<Store>): void {
  t.test('phone, create fields, removals and the location round-trip', async (t) => {
    const store = await fresh(t)
    const e = event()
    const jobs = [
      job({
        location: 'eu',
        contact: { email: 'a@example.com', phone: '+14155552671' },
        add: ['x'],
        remove: ['y'],
        create: { firstName: 'Ada', lastName: 'Lovelace' },
      }),
      job({ contact: { phone: '+442079460958' }, add: [], remove: ['old'] }),
      job(),
    ]
    await store.intake.accept(e, jobs)
    const got = (await store.trail.getEvent(e.id))?.jobs ?? []
    t.same(
      got.map((j) => ({
        location: j.location,
        contact: j.contact,
        add: j.add,
        remove: j.remove,
        rules: j.rules,
        create: j.create,
      })),
      [
        { ...jobs[0], create: { firstName: 'Ada', lastName: 'Lovelace' } },
        { ...jobs[1], create: undefined },
        { ...jobs[2], create: undefined },
      ],
    )
    t.notOk('create' in got[2]!, 'no create key when the rule gave none')
    t.equal(got[1]!.contactId, null, 'a phone is not a contact id')
    const [claimed] = await store.jobs.claim({ owner: 'A', limit: 1, leaseMs: 1000, now: T0 })
    t.same(claimed?.contact, jobs[0]!.contact, 'claimed jobs carry the phone too')
    t.same(claimed?.create, jobs[0]!.create, 'and the create fields')
  })
}
