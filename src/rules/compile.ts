import { createHash } from 'node:crypto'
import type { CountryCode } from 'libphonenumber-js'
import { compileCondition, type CompiledCondition } from './condition.js'
import { compileContact, type CompiledContact } from './contact.js'
import type { Rule } from './schema.js'
import { compileTags, type CompiledTags } from './tags.js'
import type { ContactRef, Evaluation, Intent, RuleEvent, RuleTrace, Unmatched } from './types.js'

export interface RuleOptions {
  /** lowercase tags (default true: HighLevel lowercases them anyway) */
  lowercaseTags?: boolean
  /** default country for phone numbers written without +country code */
  phoneCountry?: CountryCode
}

interface CompiledRule {
  name: string
  when: CompiledCondition | undefined
  contact: CompiledContact | undefined
  tags: CompiledTags | undefined
  untag: CompiledTags | undefined
  stop: boolean
  location: string | undefined
}

export interface CompiledRules {
  /** short hash of the rules, shown in logs and /readyz so operators know which rules run */
  version: string
  /** the JSON text the version hashes: `[rules, options]`, enough to compile them again */
  definition: string
  count: number
  /**
   * `trace: false` (the ingest path) skips the conditions' trace: `trace` then holds only
   * the rules that matched (or were skipped by a stop), without `condition`.
   */
  evaluate(event: RuleEvent, opts?: { trace?: boolean }): Evaluation
  /**
   * Who the event is about, read by the first rule of its source that can tell, matched
   * or not: stored with the event so that the console finds an event nobody was tagged
   * for by its contact.
   */
  contactOf(event: RuleEvent): ContactRef | undefined
}

/** Compiles validated rules once; evaluation is then pure and allocation-light. */
export function compileRules(rules: readonly Rule[], options: RuleOptions = {}): CompiledRules {
  const tagOpts = { lowercase: options.lowercaseTags !== false }
  const bySource = new Map<string, CompiledRule[]>()
  for (const rule of rules) {
    const list = bySource.get(rule.source) ?? []
    list.push({
      name: rule.name,
      when: rule.when ? compileCondition(rule.when) : undefined,
      contact: rule.contact ? compileContact(rule.contact, { phoneCountry: options.phoneCountry }) : undefined,
      tags: rule.tags ? compileTags(rule.tags, tagOpts) : undefined,
      untag: rule.untag ? compileTags(rule.untag, tagOpts) : undefined,
      stop: rule.stop === true,
      location: rule.location,
    })
    bySource.set(rule.source, list)
  }
  const definition = JSON.stringify([rules, options])
  const version = createHash('sha256').update(definition).digest('hex').slice(0, 12)
  return {
    version,
    definition,
    count: rules.length,
    evaluate: (event, opts) => evaluate(bySource.get(event.source) ?? [], event, opts?.trace !== false),
    contactOf: (event) => {
      for (const rule of bySource.get(event.source) ?? []) {
        const who = rule.contact?.(event)
        if (who && !('unresolved' in who)) return who.contact
      }
      return undefined
    },
  }
}

/**
 * Rules run in file order. Within one contact and location, a later rule wins: its
 * `untag` takes a tag out of the earlier rules' additions, and its `tags` out of their
 * removals, so the intent never both adds and removes a tag.
 */
function evaluate(rules: CompiledRule[], event: RuleEvent, traced: boolean): Evaluation {
  const trace: RuleTrace[] = []
  const unmatched: Unmatched[] = []
  const intents = new Map<string, Intent>()
  let stoppedBy: string | undefined
  for (const rule of rules) {
    if (stoppedBy !== undefined) {
      trace.push({
        rule: rule.name,
        matched: false,
        tags: [],
        skipped: `not evaluated: rule "${stoppedBy}" has stop: true`,
      })
      continue
    }
    let entry: RuleTrace
    if (traced) {
      const condition = rule.when?.trace(event)
      entry = { rule: rule.name, matched: condition ? condition.passed : true, tags: [] }
      if (condition) entry.condition = condition
      trace.push(entry)
      if (!entry.matched) continue
    } else {
      if (rule.when && !rule.when.passes(event)) continue
      entry = { rule: rule.name, matched: true, tags: [] }
      trace.push(entry)
    }
    if (rule.stop) {
      entry.stopped = true
      stoppedBy = rule.name
    }
    apply(rule, event, entry, intents, unmatched)
  }
  return { intents: [...intents.values()], trace, unmatched }
}

function apply(
  rule: CompiledRule,
  event: RuleEvent,
  entry: RuleTrace,
  intents: Map<string, Intent>,
  unmatched: Unmatched[],
): void {
  if (!rule.contact) return
  const add = rule.tags?.(event)
  const remove = rule.untag?.(event)
  entry.tags = add?.tags ?? []
  if (remove) entry.untag = remove.tags
  const skipped = [...(add?.skipped ?? []), ...(remove?.skipped ?? [])]
  if (skipped.length > 0) entry.skippedTags = skipped
  const cleaned = [...(add?.cleaned ?? []), ...(remove?.cleaned ?? [])]
  if (cleaned.length > 0) entry.cleanedTags = cleaned
  if (rule.location) entry.location = rule.location

  const who = rule.contact(event)
  if ('unresolved' in who) {
    entry.unresolved = who.unresolved
    unmatched.push({ rule: rule.name, reason: who.unresolved })
    return
  }
  entry.contact = who.contact
  if (who.ignored) entry.ignored = who.ignored
  if (entry.tags.length === 0 && (remove?.tags.length ?? 0) === 0) return
  const c = who.contact
  const key = `${rule.location ?? ''}|${c.id !== undefined ? `id:${c.id}` : `email:${c.email ?? ''}|phone:${c.phone ?? ''}`}`
  let intent = intents.get(key)
  if (!intent) {
    intent = { contact: c, add: [], remove: [], rules: [] }
    if (rule.location) intent.location = rule.location
    intents.set(key, intent)
  }
  for (const tag of entry.tags) {
    if (!intent.add.includes(tag)) intent.add.push(tag)
    drop(intent.remove, tag)
  }
  for (const tag of remove?.tags ?? []) {
    if (!intent.remove.includes(tag)) intent.remove.push(tag)
    drop(intent.add, tag)
  }
  // fields merge in rule order, a later rule winning per field (as delivery merges intents)
  if (who.create) intent.create = { ...intent.create, ...who.create }
  intent.rules.push(rule.name)
}

function drop(list: string[], tag: string): void {
  const i = list.indexOf(tag)
  if (i >= 0) list.splice(i, 1)
}
