import { matchedRules, RuleSetRecorder, type CompiledRules } from '../rules/index.js'
import type { Store } from '../store/index.js'
import { currentTraceParent, withSpan } from '../telemetry/index.js'
import { judge, type Inbound, type JudgedSource, type Judgement } from './judge.js'

export interface IngestDeps {
  store: Pick<Store, 'intake'>
  ruleSets: RuleSetRecorder
}

/** A verified, parsed request with the id it will be stored under. */
export interface Received extends Inbound {
  id: string
  /** the sender's delivery id for this source (and its body hash) and how long to remember it */
  dedupe?: { key: string; retentionMs: number; alsoKeys?: string[] }
}

export type IngestResult =
  | { duplicate: false; id: string; judgement: Judgement }
  /** a repeat of an event already stored: its first id, tags and matched rules */
  | { duplicate: true; id: string; tags: string[]; rules: string[] }

/**
 * The accept use case: judge the request with the rules in force, then store the event
 * and its jobs in one transaction (with the dedupe check when the source has a delivery
 * id). Resolves only once the store has committed: a 202 built from it is durable.
 *
 * Why the first event of a rule set waits for the set to be recorded: from then on
 * events store a compact explain (version and matched names) and the trail evaluates
 * again on demand, so no trace is built on this path. If recording failed, the event
 * keeps its full trace inline instead.
 */
export async function ingest(
  deps: IngestDeps,
  rules: CompiledRules,
  source: JudgedSource,
  received: Received,
): Promise<IngestResult> {
  const recording = deps.ruleSets.ensure(rules)
  const recorded = recording === true || (recording !== false && (await recording))
  const judgement = withSpan(
    'tagrelay.rules',
    { 'tagrelay.source': source.name, 'tagrelay.rules_version': rules.version },
    (span) => {
      const j = judge(rules, source, received, { trace: !recorded })
      span?.setAttribute('tagrelay.rules', j.matched)
      return j
    },
  )
  // the job carries the webhook's trace context through the queue (only when tracing is on)
  const traceParent = currentTraceParent()
  const jobs = traceParent ? judgement.jobs.map((j) => ({ ...j, traceParent })) : judgement.jobs
  const explain = RuleSetRecorder.stored(rules, judgement.evaluation, judgement.matched, judgement.query, recorded)
  const { dedupe, receivedAt } = received
  const result = await withSpan(
    'tagrelay.store',
    { 'tagrelay.event_id': received.id, 'tagrelay.jobs': jobs.length },
    () =>
      deps.store.intake.accept(
        {
          id: received.id,
          source: source.name,
          receivedAt,
          headers: judgement.headers,
          body: received.body,
          tags: judgement.tags,
          explain,
          ...(judgement.contact ? { contact: judgement.contact } : {}),
        },
        jobs,
        dedupe
          ? { dedupe: { key: dedupe.key, expiresAt: receivedAt + dedupe.retentionMs, alsoKeys: dedupe.alsoKeys } }
          : {},
      ),
  )
  if (result.duplicate) {
    return { duplicate: true, id: result.id, tags: result.tags, rules: matchedRules(result.explain) }
  }
  return { duplicate: false, id: received.id, judgement }
}
