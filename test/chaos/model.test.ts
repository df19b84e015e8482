import t from 'tap'
import { runModel } from '../../scripts/chaos/model.js'
import { runOracle } from '../../scripts/chaos/model/oracle.js'
import type { Scenario } from '../../scripts/chaos/model/scenario.js'

t.test('the oracle follows the documented semantics on hand-written cases', async (t) => {
  const base: Omit<Scenario, 'rules' | 'steps'> = {
    seed: 1,
    people: [{ email: 'a@x.test', phone: '+14155550001', existing: null }],
    faults: { e5xx: 0, e429: 0, timeout: 0, reset: 0 },
  }
  const rule = (over: Partial<Scenario['rules'][number]>) => ({
    name: 'r',
    when: null,
    contact: 'email' as const,
    create: false,
    tags: [],
    untag: [],
    stop: false,
    ...over,
  })
  // two rules, one new contact: one creates, the other only looks up: one contact with both tags
  const twoRules = runOracle({
    ...base,
    rules: [rule({ contact: 'email+phone', create: true, tags: ['customer'] }), rule({ tags: ['vip'] })],
    steps: [{ type: 'event', person: 0, kind: 'a', total: 1, sendId: false }],
  })
  t.same(
    twoRules.contacts.map((c) => [c.email, c.phone, [...c.tags].sort()]),
    [['a@x.test', '+14155550001', ['customer', 'vip']]],
  )
  t.same([...twoRules.dead], [])
  // without create: dead letters; stop ends evaluation; a later rule's untag wins
  const lookupOnly = runOracle({
    ...base,
    rules: [rule({ tags: ['x'] }), rule({ contact: 'phone', tags: ['y'], stop: true }), rule({ tags: ['z'] })],
    steps: [{ type: 'event', person: 0, kind: 'a', total: 1, sendId: false }],
  })
  t.same([...lookupOnly.dead].sort(), ['0|email:a@x.test|phone:', '0|email:|phone:+14155550001'])
  const untag = runOracle({
    ...base,
    people: [{ email: 'a@x.test', phone: '+14155550001', existing: ['trial'] }],
    rules: [rule({ tags: ['trial', 'k-{{ kind }}'] }), rule({ contact: 'phone', untag: ['trial'] })],
    steps: [{ type: 'event', person: 0, kind: 'b', total: 1, sendId: false }],
  })
  t.same([...(untag.contacts[0]?.tags ?? [])], ['k-b'])
})

t.test('the oracle models the not-found window: a waiting intent counts in accept order', async (t) => {
  const base: Omit<Scenario, 'steps'> = {
    seed: 1,
    people: [{ email: 'q@x.test', phone: '+14155550002', existing: null }],
    faults: { e5xx: 0, e429: 0, timeout: 0, reset: 0 },
    rules: [
      {
        name: 'lead',
        when: { field: 'kind', equals: 'lead' },
        contact: 'email',
        create: false,
        tags: ['a'],
        untag: ['b'],
        stop: true,
      },
      {
        name: 'convert',
        when: { field: 'kind', equals: 'convert' },
        contact: 'email',
        create: true,
        tags: ['b'],
        untag: ['a'],
        stop: true,
      },
    ],
  }
  const event = (kind: string, burst = false) => ({
    type: 'event' as const,
    person: 0,
    kind,
    total: 1,
    sendId: false,
    ...(burst ? { burst } : {}),
  })
  const later = runOracle({ ...base, steps: [event('lead'), event('convert', true)] })
  t.same(
    later.contacts.map((c) => [...c.tags]),
    [['b']],
    'the lead waits, the convert creates the person and has the last word',
  )
  t.same([...later.dead], [])
  const reverse = runOracle({ ...base, steps: [event('convert'), event('lead', true)] })
  t.same(
    reverse.contacts.map((c) => [...c.tags]),
    [['a']],
    'the other way round, the lead is last',
  )
  const apart = runOracle({ ...base, steps: [event('lead'), event('convert')] })
  t.same([...apart.dead], ['0|email:q@x.test|phone:'], 'not in one burst: the window ends first, a dead letter')
  t.same(
    apart.contacts.map((c) => [...c.tags]),
    [['b']],
  )
})

t.test(
  '100 seeded random scenarios against the sandbox, each with a kill: final tags and dead letters as the oracle says',
  async (t) => {
    const lines: string[] = []
    const result = await runModel({ scenarios: 100, seed: 20_261_127, kills: 1, log: (l) => lines.push(l) })
    t.match(result, { check: 'model', scenarios: 100, mismatches: 0, unexpectedDeadLetters: 0 }, lines.join('\n'))
  },
)
