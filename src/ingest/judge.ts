import {
  ignoredIdentifiers,
  type CompiledRules,
  type ContactRef,
  type Evaluation,
  type Intent,
  type Unmatched,
} from '../rules/index.js'
import { redactHeaders, redactQuery, type Source } from '../sources/index.js'
import type { NewJob } from '../store/index.js'

/** What judging needs of a source: its name, default location and which headers and query keys are secret. */
export type JudgedSource = Pick<Source, 'name' | 'location' | 'secretHeaders' | 'secretQuery'>

/** A request as received (or as a tester pastes it): headers and query not yet redacted. */
export interface Inbound {
  body: unknown
  headers: Record<string, string | string[] | undefined>
  query: Record<string, unknown>
  /** epoch ms */
  receivedAt: number
}

/** The rules' verdict on one request: what is stored, delivered and answered. */
export interface Judgement {
  source: string
  rulesVersion: string
  /** headers and query as stored and as the rules saw them: names lowercased, secrets masked */
  headers: Record<string, string>
  query: Record<string, unknown>
  evaluation: Evaluation
  /** the intents with the source's location filled in where a rule did not override it */
  intents: Array<Intent & { location: string }>
  jobs: NewJob[]
  /** every tag the event adds, once */
  tags: string[]
  /** every tag the event removes, once */
  removed: string[]
  /** rules that matched, in order */
  matched: string[]
  /** matching rules whose contact could not be read */
  unresolved: Unmatched[]
  /** identifiers present in the event that a matching rule could not use (a phone with no country), with why */
  ignored: Unmatched[]
  /** who the event is about, whatever the rules decided (see CompiledRules.contactOf) */
  contact: ContactRef | undefined
}

/**
 * Verify result + rules → intents and jobs: the one place this happens, shared by the
 * webhook route, the admin rules tester, `tagrelay test-rule` and re-runs, so that the
 * four give the same answer for the same request.
 *
 * Why the rules see redacted headers and query: a secret the rules could read could
 * reach a tag or a stored explanation. With `trace: false` (the ingest path once the
 * rule set is recorded) conditions are evaluated untraced; the per-rule entries that
 * `matched` and `unresolved` read are there either way.
 */
export function judge(
  rules: CompiledRules,
  source: JudgedSource,
  inbound: Inbound,
  opts: { trace?: boolean } = {},
): Judgement {
  const headers = redactHeaders(inbound.headers, source.secretHeaders)
  const query = redactQuery(inbound.query, source.secretQuery)
  const ruleEvent = {
    source: source.name,
    body: inbound.body,
    headers,
    query,
    receivedAt: inbound.receivedAt,
    ...(source.location === '' ? {} : { location: source.location }),
  }
  const evaluation = rules.evaluate(ruleEvent, { trace: opts.trace !== false })
  const intents = evaluation.intents.map((i) => ({ ...i, location: i.location ?? source.location }))
  const jobs: NewJob[] = intents.map((i) => ({
    location: i.location,
    contact: i.contact,
    add: i.add,
    remove: i.remove,
    rules: i.rules,
    ...(i.create ? { create: i.create } : {}),
  }))
  return {
    source: source.name,
    rulesVersion: rules.version,
    headers,
    query,
    evaluation,
    intents,
    jobs,
    tags: [...new Set(intents.flatMap((i) => i.add))],
    removed: [...new Set(intents.flatMap((i) => i.remove))],
    matched: evaluation.trace.filter((t) => t.matched).map((t) => t.rule),
    unresolved: evaluation.trace
      .filter((t) => t.unresolved)
      .map((t) => ({ rule: t.rule, reason: t.unresolved as string })),
    ignored: ignoredIdentifiers(evaluation.trace),
    contact: intents[0]?.contact ?? rules.contactOf(ruleEvent),
  }
}
