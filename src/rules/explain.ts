import { noCreateAdvice } from './notices.js'
import type { ConditionTrace, ContactRef, Evaluation, RuleTrace } from './types.js'

export interface ExplainHeader {
  source: string
  rulesVersion: string
  /** the config's `delivery.contactNotFoundRetryHours`, named for a contact that is not created */
  contactNotFoundRetryHours: number
}

/**
 * The evaluation as text for a person: rule by rule, condition by condition with the
 * value found, then the tags and the contact. Used by `tagrelay test-rule` and returned
 * beside the JSON by `POST /admin/rules/test`.
 */
export function formatEvaluation(evaluation: Evaluation, header: ExplainHeader): string {
  const { trace, intents, unmatched } = evaluation
  const lines: string[] = []
  const matched = trace.filter((r) => r.matched).length
  lines.push(
    `source ${header.source}, rules version ${header.rulesVersion}: ${matched} of ${trace.length} rules matched`,
  )
  if (trace.length === 0) lines.push('  (no rule for this source)')
  for (const rule of trace) lines.push('', ...formatRule(rule))
  lines.push('', intents.length === 0 ? 'result: no tags to apply' : 'result:')
  for (const i of intents) {
    const parts = [
      i.add.length > 0 ? `add ${i.add.join(', ')}` : '',
      i.remove.length > 0 ? `remove ${i.remove.join(', ')}` : '',
    ].filter(Boolean)
    const where = i.location ? ` at location ${i.location}` : ''
    lines.push(`  ${contactText(i.contact)}${where}: ${parts.join('; ')}  (rules: ${i.rules.join(', ')})`)
    if (i.create) {
      const fields = Object.entries(i.create).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      lines.push(`    create if missing with ${fields.length > 0 ? fields.join(', ') : 'its email/phone only'}`)
    } else if (i.contact.id === undefined)
      lines.push(`    if missing in HighLevel: not created (${noCreateAdvice(header.contactNotFoundRetryHours)})`)
  }
  for (const u of unmatched) lines.push(`unmatched: rule "${u.rule}": ${u.reason}`)
  return lines.join('\n')
}

function formatRule(rule: RuleTrace): string[] {
  const lines = [
    `${mark(rule.matched)} rule "${rule.rule}": ${rule.skipped ?? (rule.matched ? 'matched' : 'not matched')}`,
  ]
  if (rule.skipped) return lines
  if (rule.condition) lines.push(...formatCondition(rule.condition, '    '))
  else lines.push('    (no when: always matches)')
  if (!rule.matched) return lines
  if (rule.tags.length > 0) lines.push(`    tags: ${rule.tags.join(', ')}`)
  if (rule.untag && rule.untag.length > 0) lines.push(`    untag: ${rule.untag.join(', ')}`)
  for (const s of rule.skippedTags ?? []) lines.push(`    no tag from "${s.template}": ${s.skipped}`)
  for (const c of rule.cleanedTags ?? []) lines.push(`    tag "${c.tag}" from "${c.template}": ${c.cleaned}`)
  if (rule.location) lines.push(`    location: ${rule.location}`)
  if (rule.contact) lines.push(`    contact: ${contactText(rule.contact)}`)
  for (const i of rule.ignored ?? []) lines.push(`    ${i}`)
  if (rule.unresolved) lines.push(`    contact unresolved: ${rule.unresolved} (no delivery)`)
  if (rule.stopped) lines.push('    stop: later rules are not evaluated')
  return lines
}

function formatCondition(c: ConditionTrace, indent: string): string[] {
  if ('conditions' in c) {
    return [
      `${indent}${mark(c.passed)} ${c.op}`,
      ...c.conditions.flatMap((inner) => formatCondition(inner, `${indent}    `)),
    ]
  }
  const found = c.found === undefined ? '(missing)' : JSON.stringify(c.found)
  const note = c.note ? ` (${c.note})` : ''
  return [`${indent}${mark(c.passed)} ${c.field} ${c.op} ${JSON.stringify(c.expected)}: found ${found}${note}`]
}

function mark(ok: boolean): string {
  return ok ? '✓' : '✗'
}

function contactText(c: ContactRef): string {
  return [c.id ? `id ${c.id}` : '', c.email ? `email ${c.email}` : '', c.phone ? `phone ${c.phone}` : '']
    .filter(Boolean)
    .join(', ')
}
