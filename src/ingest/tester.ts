import { formatEvaluation, type CompiledRules, type RuleTrace, type Unmatched } from '../rules/index.js'
import { judge, type Inbound, type JudgedSource, type Judgement } from './judge.js'

/** What the admin rules tester and `tagrelay test-rule --json` answer: the same object. */
export interface RuleTestAnswer {
  rulesVersion: string
  source: string
  tags: string[]
  intents: Judgement['intents']
  unmatched: Unmatched[]
  trace: RuleTrace[]
  /** the trace as text, rule by rule */
  explanation: string
}

/**
 * Judges a sample request with nothing stored or sent, traced, and explains it: what an
 * event with this payload would be stored and delivered with.
 */
export function testRules(rules: CompiledRules, source: JudgedSource, inbound: Inbound): RuleTestAnswer {
  const j = judge(rules, source, inbound, { trace: true })
  return {
    rulesVersion: j.rulesVersion,
    source: j.source,
    tags: j.tags,
    intents: j.intents,
    unmatched: j.evaluation.unmatched,
    trace: j.evaluation.trace,
    explanation: formatEvaluation(j.evaluation, { source: j.source, rulesVersion: j.rulesVersion }),
  }
}
