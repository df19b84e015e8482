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
 */
export interface OracleContact {
  email: string | null
  phone: string | null
  tags: Set<string>
  alive: boolean
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
  scenario.steps.forEach((step, index) => {
    if (step.type === 'delete') {
      const person = scenario.people[step.person] as Person
      for (const c of alive()) if (c.email === person.email || c.phone === person.phone) c.alive = false
    }
    if (step.type === 'event') event(scenario, step, index, contacts, lastKnown, dead, alive)
  })
  return { contacts: contacts.filter((c) => c.alive), dead }
}

function event(
  scenario: Scenario,
  step: Extract<Step, { type: 'event' }>,
  index: number,
  contacts: OracleContact[],
  lastKnown: Map<number, OracleContact>,
  dead: Set<string>,
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
  for (const group of groups.filter((g) => g.length > 0)) {
    const byEmail = group.some((i) => i.form !== 'phone')
    const byPhone = group.some((i) => i.form !== 'email')
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
  }
  contacts.push(...created)
  const net = new Map<OracleContact, Map<string, 'add' | 'remove'>>()
  for (const intent of intents.values()) {
    if (!intent.target) {
      dead.add(`${index}|${intent.key}`)
      continue
    }
    const ops = net.get(intent.target) ?? new Map<string, 'add' | 'remove'>()
    for (const [tag, op] of intent.ops) {
      ops.delete(tag)
      ops.set(tag, op)
    }
    net.set(intent.target, ops)
  }
  for (const [contact, ops] of net)
    for (const [tag, op] of ops) {
      if (op === 'add') contact.tags.add(tag)
      else contact.tags.delete(tag)
    }
}
