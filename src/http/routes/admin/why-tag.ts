import type { RuleTrace } from '../../../rules/index.js'
import { errorCode, reasonInWords } from '../../../common/reasons.js'
import type { KnownRule } from './names.js'
import { failedLeaf, NEEDS, type WhyInput, type WhyJob } from './why.js'

/** The answer about one tag a person expected: a sentence, its outcome, and which rules concern it. */
export interface WhyTag {
  tag: string
  outcome: 'added' | 'waiting' | 'failed' | 'not-added'
  /** plain words first; names in backticks (the console shows them as code) */
  sentence: string
  /** the error code behind a failed or waiting delivery, kept beside the words */
  code: string | null
  /** the rules that add this tag (the others do not concern it) */
  rules: string[]
}

const time = (ms: number): string => new Date(ms).toISOString()
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

function condition(rule: RuleTrace, tag: string): string {
  if (rule.skipped) return `rule \`${rule.rule}\` adds \`${tag}\` but was not evaluated: ${rule.skipped}`
  const leaf = failedLeaf(rule.condition)
  if (!leaf) return `rule \`${rule.rule}\` adds \`${tag}\` but its condition did not hold`
  const found = leaf.found === undefined ? 'missing' : JSON.stringify(leaf.found)
  const wanted = ['exists', 'empty'].includes(leaf.op)
    ? `${leaf.expected === false ? 'not ' : ''}${leaf.op === 'exists' ? 'present' : 'empty'}`
    : `${NEEDS[leaf.op] ?? leaf.op} ${JSON.stringify(leaf.expected)}`
  return `rule \`${rule.rule}\` adds \`${tag}\` only when \`${leaf.field}\` is ${wanted}, and \`${leaf.field}\` was ${found}`
}

function jobAnswer(job: WhyJob, tag: string, heldBack: WhyInput['heldBack']): Omit<WhyTag, 'tag' | 'rules'> {
  if (job.status === 'done')
    return {
      outcome: 'added',
      sentence: `\`${tag}\` was added${job.doneAt ? ` at ${time(job.doneAt)}` : ''} (location ${job.location}).`,
      code: null,
    }
  const code = errorCode(job.lastError)
  if (job.status === 'dead')
    return {
      outcome: 'failed',
      sentence: `\`${tag}\` was not added: ${reasonInWords(job.lastError, job.location)}. It is dead letter ${job.id}: re-deliver it once fixed.`,
      code,
    }
  const held = heldBack(job.location)
  return {
    outcome: 'waiting',
    sentence: `\`${tag}\` is waiting to be added: ${held ? `location ${job.location} is held back (${held})` : `next attempt at ${time(job.runAt)}`}${job.lastError ? `; the last try failed because ${reasonInWords(job.lastError, job.location)}` : ''}.`,
    code,
  }
}

/**
 * "Why no `vip`?": the delivery that carries the tag, if any (added, waiting, failed and
 * why, in words), else the rules that would add it and the condition that failed with
 * the value found, else that no rule of the event's source adds it at all.
 */
export function whyTag(tag: string, input: WhyInput, rules: KnownRule[]): WhyTag {
  const concerned = rules.filter((r) => r.tags.some((t) => same(t, tag)))
  const traced = input.trace.filter((r) => r.tags.some((t) => same(t, tag)) || concerned.some((c) => c.name === r.rule))
  const names = [...new Set([...traced.map((r) => r.rule), ...concerned.map((r) => r.name)])]
  const job = input.jobs.find((j) => j.add.some((t) => same(t, tag)))
  if (job) return { tag, rules: names, ...jobAnswer(job, tag, input.heldBack) }
  const unmatched = input.unmatched.find((u) => traced.some((r) => r.rule === u.rule))
  if (unmatched)
    return {
      tag,
      rules: names,
      outcome: 'not-added',
      sentence: `\`${tag}\` was not added: rule \`${unmatched.rule}\` matched but delivers nothing: ${unmatched.reason}.`,
      code: null,
    }
  const misses = traced.filter((r) => !r.matched)
  if (misses.length > 0)
    return {
      tag,
      rules: names,
      outcome: 'not-added',
      sentence: `\`${tag}\` was not added: ${misses.map((r) => condition(r, tag)).join('; ')}.`,
      code: null,
    }
  const unresolved = traced.find((r) => r.matched && r.unresolved)
  if (unresolved)
    return {
      tag,
      rules: names,
      outcome: 'not-added',
      sentence: `\`${tag}\` was not added: rule \`${unresolved.rule}\` matched, but ${unresolved.unresolved}.`,
      code: null,
    }
  const elsewhere = concerned.filter((r) => r.source !== input.source)
  return {
    tag,
    rules: names,
    outcome: 'not-added',
    sentence:
      `\`${tag}\` was not added: no rule of source \`${input.source}\` adds it` +
      (elsewhere.length
        ? ` (${elsewhere.map((r) => `rule \`${r.name}\` of source \`${r.source}\``).join(', ')} does).`
        : '.'),
    code: null,
  }
}
