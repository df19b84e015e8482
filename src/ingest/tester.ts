import { formatEvaluation, type CompiledRules, type RuleTrace, type Unmatched } from '../rules/index.js'
import { summariseJobs, type JobSummary } from './summary.js'
import { judge, type Inbound, type JudgedSource, type Judgement } from './judge.js'

/** What the admin rules tester and `tagrelay test-rule --json` answer: the same object. */
export interface RuleTestAnswer {
  rulesVersion: string
  source: string
  tags: string[]
  intents: Judgement['intents']
  unmatched: Unmatched[]
  /** identifiers present in the sample that a matching rule could not use, with why */
  ignored: Unmatched[]
  /** the jobs as the 202 answer lists them (what happens to a new person included) */
  jobs: JobSummary[]
  trace: RuleTrace[]
  /** the trace as text, rule by rule */
  explanation: string
}

/**
 * Judges a sample request with nothing stored or sent, traced, and explains it: what an
 * event with this payload would be stored and delivered with.
 */
export function testRules(
  rules: CompiledRules,
  source: JudgedSource,
  inbound: Inbound,
  contactNotFoundRetryHours: number,
): RuleTestAnswer {
  const j = judge(rules, source, inbound, { trace: true })
  return {
    rulesVersion: j.rulesVersion,
    source: j.source,
    tags: j.tags,
    intents: j.intents,
    unmatched: j.evaluation.unmatched,
    ignored: j.ignored,
    jobs: summariseJobs(j, contactNotFoundRetryHours),
    trace: j.evaluation.trace,
    explanation: formatEvaluation(j.evaluation, {
      source: j.source,
      rulesVersion: j.rulesVersion,
      contactNotFoundRetryHours,
    }),
  }
}
