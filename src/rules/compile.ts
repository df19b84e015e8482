import { createHash } from 'node:crypto'
import { compileCondition, type CompiledCondition } from './condition.js'
import { compilePath, type PathReader } from './path.js'
import type { Rule } from './schema.js'
import type { ContactRef, Evaluation, Intent, RuleEvent, RuleTrace } from './types.js'

interface CompiledRule {
  name: string
  when: CompiledCondition | undefined
  contact: (body: unknown) => { contact: ContactRef } | { unresolved: string }
  tags: string[]
}

export interface CompiledRules {
  /** short hash of the rules, shown in logs and /readyz so operators know which rules run */
  version: string
  count: number
  evaluate(event: RuleEvent): Evaluation
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Compiles validated rules once; evaluation is then pure and allocation-light. */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const bySource = new Map<string, CompiledRule[]>()
  for (const rule of rules) {
    const list = bySource.get(rule.source) ?? []
    list.push({
      name: rule.name,
      when: rule.when ? compileCondition(rule.when) : undefined,
      contact: compileContact(rule.contact),
      tags: [...new Set(rule.tags)],
    })
    bySource.set(rule.source, list)
  }
  const version = createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 12)
  return { version, count: rules.length, evaluate: (event) => evaluate(bySource.get(event.source) ?? [], event) }
}

function evaluate(rules: CompiledRule[], event: RuleEvent): Evaluation {
  const trace: RuleTrace[] = []
  const intents = new Map<string, Intent>()
  for (const rule of rules) {
    const condition = rule.when?.(event.body)
    const matched = condition ? condition.passed : true
    const entry: RuleTrace = { rule: rule.name, matched, tags: matched ? rule.tags : [] }
    if (condition) entry.condition = condition
    trace.push(entry)
    if (!matched) continue
    const who = rule.contact(event.body)
    if ('unresolved' in who) {
      entry.unresolved = who.unresolved
      continue
    }
    entry.contact = who.contact
    const key = who.contact.id !== undefined ? `id:${who.contact.id}` : `email:${who.contact.email}`
    const intent = intents.get(key) ?? { contact: who.contact, add: [], remove: [], rules: [] }
    for (const tag of rule.tags) if (!intent.add.includes(tag)) intent.add.push(tag)
    intent.rules.push(rule.name)
    intents.set(key, intent)
  }
  return { intents: [...intents.values()], trace }
}

function compileContact(paths: Rule['contact']): CompiledRule['contact'] {
  const readId: PathReader | undefined = paths.id ? compilePath(paths.id) : undefined
  const readEmail: PathReader | undefined = paths.email ? compilePath(paths.email) : undefined
  return (body) => {
    const id = readId?.(body)
    if (typeof id === 'string' && id.trim() !== '') return { contact: { id: id.trim() } }
    const email = readEmail?.(body)
    if (typeof email === 'string' && EMAIL.test(email.trim())) return { contact: { email: email.trim().toLowerCase() } }
    const problems: string[] = []
    if (paths.id) problems.push(`no contact id at "${paths.id}"`)
    if (paths.email) problems.push(email === undefined ? `no email at "${paths.email}"` : `"${paths.email}" is not an email address`)
    return { unresolved: problems.join('; ') }
  }
}
