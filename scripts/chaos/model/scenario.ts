import { between } from '../random.js'

/** How a rule names its contact: the payload's HighLevel id, an email, a phone, or both. */
export type ContactForm = 'id' | 'email' | 'phone' | 'email+phone'

export interface ModelRule {
  name: string
  /** no condition, `kind` equals one value, or `total` at least a number */
  when: null | { field: 'kind'; equals: string } | { field: 'total'; gte: number }
  contact: ContactForm
  create: boolean
  /** literals, or the template `k-{{ kind }}` */
  tags: string[]
  untag: string[]
  stop: boolean
}

export interface Person {
  email: string
  phone: string
  /** exists in HighLevel before the first event, with these tags */
  existing: string[] | null
}

/** One step of a scenario, run in order. */
export type Step =
  /**
   * `burst`: accepted right after the previous event with at most one delivery round
   * between (`deliver`), not after the queue drained: intents of one person overlap in the
   * queue (an opt-in and the opt-out after it, a lookup-only lead that is not found yet and
   * the convert that creates the contact)
   */
  | { type: 'event'; person: number; kind: string; total: number; sendId: boolean; burst?: boolean; deliver?: boolean }
  | { type: 'delete'; person: number }
  | { type: 'restart' }

export interface Faults {
  e5xx: number
  e429: number
  /** a call HighLevel never answers (the client's timeout fires: about a second each, undici's timer grain) */
  timeout: number
  /** a connection dropped without an answer */
  reset: number
}

export interface Scenario {
  seed: number
  rules: ModelRule[]
  people: Person[]
  steps: Step[]
  faults: Faults
}

export const TAG_POOL = ['lead', 'customer', 'vip', 'trial', 'churned', 'newsletter']
/** the kinds of burst events: opposite intents on the same tags (see burstRules) */
const BURST_KINDS = ['in', 'out', 'lead', 'convert']
const KINDS = ['a', 'b', 'c']
const FORMS: ContactForm[] = ['id', 'email', 'phone', 'email+phone']

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
const some = (random: () => number, list: readonly string[], max: number): string[] => [
  ...new Set(Array.from({ length: between(random, 0, max) }, () => pick(random, list))),
]

function rule(random: () => number, i: number): ModelRule {
  const contact = pick(random, FORMS)
  const roll = random()
  const when: ModelRule['when'] =
    roll < 0.3
      ? null
      : roll < 0.7
        ? { field: 'kind', equals: pick(random, KINDS) }
        : { field: 'total', gte: between(random, 0, 200) }
  let tags = some(random, TAG_POOL, 2)
  if (random() < 0.25) tags.push('k-{{ kind }}')
  const untag = some(random, TAG_POOL, 1).filter((t) => !tags.includes(t))
  if (tags.length === 0 && untag.length === 0) tags = [pick(random, TAG_POOL)]
  return {
    name: `rule ${i}`,
    when,
    contact,
    create: contact !== 'id' && random() < 0.5,
    tags,
    untag,
    stop: random() < 0.12,
  }
}

/**
 * Rules with opposite intents, matched only by burst events: an opt-in and an opt-out on
 * `subscribed` (the marketing case), and a lookup-only `lead` (tags a, untag b)
 * against a creating `convert` (tags b, untag a): a lead for a person nobody has yet is
 * not found and waits for its retry while the convert creates the person.
 */
function burstRules(random: () => number): ModelRule[] {
  // One contact form for all four, first in the file and each with stop: a round merges
  // jobs whose emails or phones overlap into one person, so with mixed forms which jobs
  // share a round (timing) would decide whom an intent reaches; that is the engine's
  // documented grouping, not the last-word order this checks.
  const form = pick(random, ['email', 'phone', 'email+phone'] as const)
  const rule = (i: number, kind: string, r: Pick<ModelRule, 'create' | 'tags' | 'untag'>): ModelRule => ({
    name: `burst ${i}`,
    when: { field: 'kind', equals: kind },
    contact: form,
    stop: true,
    ...r,
  })
  return [
    rule(0, 'in', { create: random() < 0.5, tags: ['subscribed'], untag: [] }),
    rule(1, 'out', { create: false, tags: [], untag: ['subscribed'] }),
    rule(2, 'lead', { create: false, tags: ['a'], untag: ['b'] }),
    rule(3, 'convert', { create: true, tags: ['b'], untag: ['a'] }),
  ]
}

/** 2-5 events of one person with opposite intents, accepted back to back. */
function burst(random: () => number, person: number): Step[] {
  return Array.from({ length: between(random, 2, 5) }, (_, i) => ({
    type: 'event' as const,
    person,
    kind: pick(random, BURST_KINDS),
    total: between(random, 0, 250),
    sendId: false,
    ...(i > 0 ? { burst: true } : {}),
    deliver: random() < 0.6,
  }))
}

/**
 * A random scenario from a seed: 2-6 rules over every contact form (with and without
 * create:, tags, untag, stop, a template), 5-15 people (about half already in HighLevel
 * with tags), 5-20 events with contacts deleted between some of them and restarts, and
 * HighLevel faults (5xx, 429, timeouts) at random rates. In 60 % of scenarios, bursts
 * of opposite intents on one person too (burstRules).
 */
export function generateScenario(seed: number, random: () => number): Scenario {
  const rules = Array.from({ length: between(random, 2, 6) }, (_, i) => rule(random, i))
  const bursty = random() < 0.6
  if (bursty) rules.unshift(...burstRules(random))
  const people: Person[] = Array.from({ length: between(random, 5, 15) }, (_, i) => ({
    email: `p${i}.${seed}@model.test`,
    phone: `+1415555${String(1000 + i).slice(-4)}`,
    existing: random() < 0.5 ? some(random, [...TAG_POOL, 'old'], 3) : null,
  }))
  const steps: Step[] = []
  const events = between(random, 5, 20)
  for (let i = 0; i < events; i++) {
    const roll = random()
    if (bursty && random() < 0.3) {
      steps.push(...burst(random, between(random, 0, people.length - 1)))
      continue
    }
    if (roll < 0.1) steps.push({ type: 'delete', person: between(random, 0, people.length - 1) })
    else if (roll < 0.2) steps.push({ type: 'restart' })
    steps.push({
      type: 'event',
      person: between(random, 0, people.length - 1),
      kind: pick(random, KINDS),
      total: between(random, 0, 250),
      sendId: random() < 0.8,
    })
  }
  const faulty = random() < 0.6
  return {
    seed,
    rules,
    people,
    steps,
    faults: faulty
      ? {
          e5xx: random() * 0.15,
          e429: random() * 0.1,
          timeout: random() < 0.1 ? random() * 0.01 : 0,
          reset: random() < 0.3 ? random() * 0.04 : 0,
        }
      : { e5xx: 0, e429: 0, timeout: 0, reset: 0 },
  }
}

/** The scenario's rules as tagrelay's config writes them. */
export function rulesConfig(scenario: Scenario): unknown[] {
  return scenario.rules.map((r) => ({
    name: r.name,
    source: 'shop',
    ...(r.when ? { when: r.when } : {}),
    contact: {
      ...(r.contact === 'id' ? { id: 'contactId' } : {}),
      ...(r.contact.includes('email') ? { email: 'email' } : {}),
      ...(r.contact.includes('phone') ? { phone: 'phone' } : {}),
      ...(r.create ? { create: { firstName: 'name' } } : {}),
    },
    ...(r.tags.length > 0 ? { tags: r.tags } : {}),
    ...(r.untag.length > 0 ? { untag: r.untag } : {}),
    ...(r.stop ? { stop: true } : {}),
  }))
}
