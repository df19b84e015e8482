import type { ModelRule, Person, Scenario, Step } from './scenario.js'

/**
 * The oracle: each person's final tags and the dead letters a scenario must end with,
 * computed from the documented semantics (docs/rules.md: Conditions, Tags and actions,
 * Contact; docs/architecture.md: Delivery), not from tagrelay's code. It shares nothing
 * with the engine but the scenario.
 *
 * - Rules run in order; a rule without `when` matches; `stop: true` applies the rule and
 *   ends evaluation. A rule with `contact.id` and no id in the payload produces nothing.
 * - Rules that name the contact the same way merge into one intent, a later rule winning
 *   per tag; intents keep the order of their first rule.
 * - Intents whose emails/phones overlap are one person: looked up by email, then by
 *   phone; if none is found and any of them has `create:`, one contact is created with
 *   that email and phone; if none has, their jobs are dead letters once the not-found
 *   window is over (the model runs with a window of 0).
 * - An id from the payload that HighLevel does not have is a dead letter.
 * - All intents landing on one contact apply as one net change: the last intent to
 *   mention a tag decides it.
 * - The last word wins across time too (DESIGN.md invariant 11): for each contact and
 *   tag, the intent of the latest-accepted event decides, whatever order deliveries,
 *   retries and restarts happen in. So each tag of a contact remembers the accept order
 *   of the intent that set it, and an older intent does not change it.
 * - The not-found window: an intent whose person is not in HighLevel waits (for its
 *   retries) instead of failing at once. If a later event of the same burst finds or
 *   creates the person (their emails/phones overlap), the waiting intent applies to that
 *   contact, in accept order (so the later event's word on a tag stands); a person is
 *   looked up and created with every waiting intent's email and phone too. Still unfound
 *   when the burst ends (the model's window is shorter than the drain that follows): a
 *   dead letter.
 */
export interface OracleContact {
  email: string | null
  phone: string | null
  tags: Set<string>
  alive: boolean
  /** per tag: the accept order of the intent that decided it last */
  decided?: Map<string, number>
}

/** An intent waiting in the not-found window for its person. */
interface Waiting {
  dead: string
  ops: Op[]
  seq: number
  email: boolean
  phone: boolean
}

export interface OracleResult {
  contacts: OracleContact[]
  /** `${stepIndex}|${intentKey}` of every job that must end dead */
  dead: Set<string>
}

type Op = [tag: string, op: 'add' | 'remove']
interface OIntent {
  key: string
  form: ModelRule['contact']
  ops: Op[]
  create: boolean
  /** the contact an id intent names (undefined: that id is not HighLevel's any more) */
  target?: OracleContact
}

const matches = (rule: ModelRule, kind: string, total: number): boolean =>
  rule.when === null || ('equals' in rule.when ? rule.when.equals === kind : total >= rule.when.gte)

const render = (tag: string, kind: string): string => tag.replace('{{ kind }}', kind).toLowerCase()

/** Which contact a sender that knows the person would name by id: the email's, else the phone's. */
export function knownContact<C extends { email: string | null; phone: string | null }>(
  contacts: readonly C[],
  person: Person,
): C | undefined {
  return contacts.find((c) => c.email === person.email) ?? contacts.find((c) => c.phone === person.phone)
}

export function runOracle(scenario: Scenario): OracleResult {
  const contacts: OracleContact[] = scenario.people
    .filter((p) => p.existing !== null)
    .map((p) => ({ email: p.email, phone: p.phone, tags: new Set(p.existing), alive: true }))
  const lastKnown = new Map<number, OracleContact>()
  const dead = new Set<string>()
  const alive = () => contacts.filter((c) => c.alive)
  let waiting: Waiting[] = []
  const flush = () => {
    for (const w of waiting) dead.add(w.dead)
    waiting = []
  }
  scenario.steps.forEach((step, index) => {
    if (step.type !== 'event' || !step.burst) flush()
    if (step.type === 'delete') {
      const person = scenario.people[step.person] as Person
      for (const c of alive()) if (c.email === person.email || c.phone === person.phone) c.alive = false
    }
    if (step.type === 'event') event(scenario, step, index, contacts, lastKnown, waiting, alive)
  })
  flush()
  return { contacts: contacts.filter((c) => c.alive), dead }
}

function event(
  scenario: Scenario,
  step: Extract<Step, { type: 'event' }>,
  index: number,
  contacts: OracleContact[],
  lastKnown: Map<number, OracleContact>,
  waiting: Waiting[],
  alive: () => OracleContact[],
): void {
  const person = scenario.people[step.person] as Person
  const current = knownContact(alive(), person)
  if (current) lastKnown.set(step.person, current)
  const named = step.sendId ? lastKnown.get(step.person) : undefined
  const intents = new Map<string, OIntent>()
  for (const rule of scenario.rules) {
    if (!matches(rule, step.kind, step.total)) continue
    if (rule.contact !== 'id' || named) {
      const key =
        rule.contact === 'id'
          ? 'id'
          : `email:${rule.contact.includes('email') ? person.email : ''}|phone:${rule.contact.includes('phone') ? person.phone : ''}`
      const intent = intents.get(key) ?? { key, form: rule.contact, ops: [], create: false }
      if (rule.contact === 'id' && named?.alive) intent.target = named
      for (const tag of rule.tags) intent.ops.push([render(tag, step.kind), 'add'])
      for (const tag of rule.untag) intent.ops.push([render(tag, step.kind), 'remove'])
      intent.create ||= rule.create
      intents.set(key, intent)
    }
    if (rule.stop) break
  }
  const lookups = [...intents.values()].filter((i) => i.form !== 'id')
  const both = lookups.some((i) => i.form === 'email+phone')
  const groups = both
    ? [lookups]
    : [lookups.filter((i) => i.form === 'email'), lookups.filter((i) => i.form === 'phone')]
  const created: OracleContact[] = []
  const late: { target: OracleContact; w: Waiting }[] = []
  for (const group of groups.filter((g) => g.length > 0)) {
    let byEmail = group.some((i) => i.form !== 'phone')
    let byPhone = group.some((i) => i.form !== 'email')
    // intents of the same person waiting in the not-found window join this lookup
    const joined = waiting.filter((w) => (w.email && byEmail) || (w.phone && byPhone))
    byEmail ||= joined.some((w) => w.email)
    byPhone ||= joined.some((w) => w.phone)
    const found =
      (byEmail ? alive().find((c) => c.email === person.email) : undefined) ??
      (byPhone ? alive().find((c) => c.phone === person.phone) : undefined)
    let target = found
    if (!target && group.some((i) => i.create)) {
      target = {
        email: byEmail ? person.email : null,
        phone: byPhone ? person.phone : null,
        tags: new Set(),
        alive: true,
      }
      created.push(target)
    }
    for (const i of group) i.target = target
    if (target) {
      for (const w of joined) late.push({ target, w })
      waiting.splice(0, waiting.length, ...waiting.filter((w) => !joined.includes(w)))
    } else
      for (const i of group)
        waiting.push({
          dead: `${index}|${i.key}`,
          ops: i.ops,
          seq: index * 1000 + [...intents.values()].indexOf(i),
          email: byEmail,
          phone: byPhone,
        })
  }
  contacts.push(...created)
  for (const { target, w } of late) apply(target, w.ops, w.seq)
  ;[...intents.values()].forEach((intent, order) => {
    if (intent.target) apply(intent.target, intent.ops, index * 1000 + order)
    else if (intent.form === 'id')
      waiting.push({ dead: `${index}|${intent.key}`, ops: [], seq: 0, email: false, phone: false })
  })
}

/** An intent's ops on a contact, tag by tag, unless a later-accepted intent decided the tag. */
function apply(contact: OracleContact, ops: readonly Op[], seq: number): void {
  contact.decided ??= new Map()
  for (const [tag, op] of ops) {
    if ((contact.decided.get(tag) ?? -1) > seq) continue
    contact.decided.set(tag, seq)
    if (op === 'add') contact.tags.add(tag)
    else contact.tags.delete(tag)
  }
}
