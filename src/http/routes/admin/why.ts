import { reasonInWords } from '../../../common/reasons.js'
import { noCreateAdvice, type ConditionTrace, type RuleTrace, type Unmatched } from '../../../rules/index.js'
import { codes } from '../../../errors.js'

export interface WhyJob {
  id: number
  location: string
  add: string[]
  remove: string[]
  status: 'pending' | 'done' | 'dead'
  lastError: string | null
  runAt: number
  /** when HighLevel last answered this job with success */
  doneAt: number | null
  /** epoch ms the job was accepted (or last replayed): since when a contact is waited for */
  createdAt?: number
  /** the fields the job creates its contact with; absent: it does not create it */
  create?: Record<string, string>
}

export interface WhyInput {
  source: string
  trace: RuleTrace[]
  unmatched: Unmatched[]
  jobs: WhyJob[]
  /** why deliveries to a location (by name) are held back now, if they are */
  heldBack: (location: string) => string | null
  /** the config's `delivery.contactNotFoundRetryHours` */
  contactNotFoundRetryHours: number
}

export const NEEDS: Record<string, string> = {
  equals: '=',
  not_equals: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'one of',
  not_in: 'none of',
  contains: 'to contain',
  starts_with: 'to start with',
  ends_with: 'to end with',
  matches: 'to match',
}

/** ISO 8601 (UTC): exact for API clients; the console shows it in the reader's zone */
const time = (ms: number): string => new Date(ms).toISOString()
const tags = (list: string[]): string => list.map((t) => `\`${t}\``).join(', ')
const NOT_FOUND = codes.TAGRELAY_CONTACT_NOT_FOUND

/** The first leaf condition that failed: the one a person needs to read. */
export function failedLeaf(c: ConditionTrace | undefined): Extract<ConditionTrace, { field: string }> | null {
  if (!c || c.passed) return null
  if (!('conditions' in c)) return c
  if (c.op === 'not') return null
  for (const inner of c.conditions) {
    const leaf = failedLeaf(inner)
    if (leaf) return leaf
  }
  return null
}

export function ruleMiss(rule: RuleTrace): string {
  if (rule.skipped) return `rule \`${rule.rule}\` was not evaluated (${rule.skipped})`
  const leaf = failedLeaf(rule.condition)
  if (!leaf) return `rule \`${rule.rule}\` did not match`
  const found = leaf.found === undefined ? 'missing' : JSON.stringify(leaf.found)
  const needs = NEEDS[leaf.op]
  const wanted = ['exists', 'empty'].includes(leaf.op)
    ? `needs to ${leaf.expected === false ? 'not ' : ''}${leaf.op === 'exists' ? 'be present' : 'be empty'}`
    : needs
      ? `needs ${needs} ${JSON.stringify(leaf.expected)}`
      : `needs ${leaf.op} ${JSON.stringify(leaf.expected)}`
  return `rule \`${rule.rule}\` did not match: \`${leaf.field}\` was ${found}, ${wanted}`
}

function jobSentence(job: WhyJob, input: WhyInput): string {
  // removals are named wherever additions are
  const what = [job.add.length > 0 ? tags(job.add) : '', job.remove.length > 0 ? `removal of ${tags(job.remove)}` : '']
    .filter(Boolean)
    .join(' and ')
  if (job.status === 'done')
    return `${what} ${job.add.length > 0 ? 'added' : 'done'}${job.doneAt ? ` at ${time(job.doneAt)}` : ''}`
  const notFound = job.lastError?.startsWith(NOT_FOUND) === true
  if (job.status === 'dead')
    return `${what} not added: ${reasonInWords(job.lastError, job.location)} (dead letter ${job.id}: re-deliver it once fixed${notFound ? '; a re-delivery uses the rules in force, so a rule given `create:` creates the contact' : ''})`
  const held = input.heldBack(job.location)
  if (notFound && !held) {
    const then = job.create
      ? 'the rule now creates it at the next attempt'
      : noCreateAdvice(input.contactNotFoundRetryHours)
    return `${what} waiting for the contact to exist in HighLevel (since ${time(job.createdAt ?? job.runAt)}; ${then}), next look at ${time(job.runAt)}`
  }
  return `${what} waiting: ${held ? `location ${job.location} held back, ${held}` : `next attempt at ${time(job.runAt)}`}${job.lastError ? ` (the last try failed: ${reasonInWords(job.lastError, job.location)})` : ''}`
}

/**
 * One sentence on top of an event's page that answers "why (not) this tag": what was
 * delivered and when, what waits and why, what failed for good, and which rules did not
 * match with the value that made them miss.
 */
export function whySentence(input: WhyInput): string {
  const parts = input.jobs.map((j) => jobSentence(j, input))
  const misses = input.trace.filter((r) => !r.matched).map(ruleMiss)
  for (const u of input.unmatched) misses.push(`rule \`${u.rule}\` matched but delivers nothing: ${u.reason}`)
  for (const r of input.trace) if (r.matched && r.unresolved) misses.push(`rule \`${r.rule}\`: ${r.unresolved}`)
  // an identifier present but unusable is never dropped in silence (a phone with no country)
  const ignored = input.trace.flatMap((r) => (r.matched ? (r.ignored ?? []) : []))
  if (input.trace.length === 0 && input.jobs.length === 0) return `No tag: no rule for source \`${input.source}\`.`
  if (parts.length === 0) return `No tag: ${misses.join('; ') || 'no rule asked for one'}.`
  const sentence = parts.join('; ')
  return `${sentence[0]?.toUpperCase()}${sentence.slice(1)}${misses.length > 0 ? `. Not added: ${misses.join('; ')}` : ''}${ignored.length > 0 ? `. Ignored: ${ignored.join('; ')}` : ''}.`
}
