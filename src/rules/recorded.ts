import { compileRules, type CompiledRules, type RuleOptions } from './compile.js'
import type { Rule } from './schema.js'
import type { Evaluation, RuleTrace, Unmatched } from './types.js'

/** Where rule sets are kept by version: the store implements it. */
export interface RuleSetStore {
  saveRuleSet(version: string, definition: string, now: number): Promise<void>
  loadRuleSet(version: string): Promise<string | undefined>
}

/** What an event keeps of its evaluation once its rule set is recorded. */
export interface CompactExplain {
  rulesVersion: string
  matched: string[]
  unmatched: Unmatched[]
  /** the query the rules saw (redacted), when there was one: needed to evaluate again */
  query?: Record<string, unknown>
}

/** An event as the trail reads it back: what the rules were given. */
export interface JudgedEvent {
  source: string
  body: unknown
  headers: Record<string, string>
  receivedAt: number
  explain: unknown
}

export interface ExplainedEvent {
  rulesVersion: string | null
  trace: RuleTrace[]
  unmatched: Unmatched[]
  /** how the trace was obtained, or why there is none */
  traceFrom: 'stored' | 'recomputed' | 'unavailable'
}

const COMPILED_KEPT = 8

/**
 * Rule sets recorded by version, so that an event need not store its explain trace.
 *
 * Why: with 20 rules the trace is ~5 KiB of JSON (every rule, every condition, what was
 * found), five times the body; building its text and writing it was a large share of
 * each accept. Evaluation is deterministic (the rules, the stored body and redacted
 * headers, the query and the arrival time decide it), so an event keeps its rules
 * version and the names that matched, and the trail evaluates again, with the recorded
 * rule set, only when someone opens it. If a rule set cannot be recorded (the store
 * refused), events keep their full trace inline instead: the trail never loses it.
 */
export class RuleSetRecorder {
  readonly #store: RuleSetStore
  readonly #now: () => number
  readonly #recorded = new Map<string, Promise<boolean> | boolean>()
  readonly #compiled = new Map<string, CompiledRules>()

  constructor(store: RuleSetStore, now: () => number = Date.now) {
    this.#store = store
    this.#now = now
  }

  /** true once `rules` is recorded (the fast path: no promise), false if recording failed */
  ensure(rules: CompiledRules): boolean | Promise<boolean> {
    const known = this.#recorded.get(rules.version)
    if (known !== undefined) return known
    const saving = this.#store.saveRuleSet(rules.version, rules.definition, this.#now()).then(
      () => {
        this.#recorded.set(rules.version, true)
        return true
      },
      () => {
        this.#recorded.delete(rules.version) // tried again by the next event
        return false
      },
    )
    this.#recorded.set(rules.version, saving)
    return saving
  }

  /** What to store for an evaluation: compact once the rule set is recorded, else the full trace. */
  static stored(
    rules: CompiledRules,
    ev: Evaluation,
    matched: string[],
    query: Record<string, unknown>,
    recorded: boolean,
  ): unknown {
    if (!recorded) return { rulesVersion: rules.version, trace: ev.trace, unmatched: ev.unmatched }
    const compact: CompactExplain = { rulesVersion: rules.version, matched, unmatched: ev.unmatched }
    if (Object.keys(query).length > 0) compact.query = query
    return compact
  }

  /** The event's explain trace: stored inline, or evaluated again with its recorded rule set. */
  async explain(event: JudgedEvent): Promise<ExplainedEvent> {
    const stored = (event.explain ?? {}) as Partial<CompactExplain> & { trace?: RuleTrace[] }
    const rulesVersion = typeof stored.rulesVersion === 'string' ? stored.rulesVersion : null
    const unmatched = Array.isArray(stored.unmatched) ? stored.unmatched : []
    if (Array.isArray(stored.trace)) return { rulesVersion, trace: stored.trace, unmatched, traceFrom: 'stored' }
    const rules = rulesVersion === null ? undefined : await this.#rules(rulesVersion)
    if (!rules) return { rulesVersion, trace: [], unmatched, traceFrom: 'unavailable' }
    const ev = rules.evaluate({
      source: event.source,
      body: event.body,
      headers: event.headers,
      query: stored.query ?? {},
      receivedAt: event.receivedAt,
    })
    return { rulesVersion, trace: ev.trace, unmatched: ev.unmatched, traceFrom: 'recomputed' }
  }

  async #rules(version: string): Promise<CompiledRules | undefined> {
    const cached = this.#compiled.get(version)
    if (cached) return cached
    const text = await this.#store.loadRuleSet(version)
    if (text === undefined) return undefined
    const [rules, options] = JSON.parse(text) as [Rule[], RuleOptions]
    const compiled = compileRules(rules, options)
    if (this.#compiled.size >= COMPILED_KEPT) this.#compiled.delete(this.#compiled.keys().next().value as string)
    this.#compiled.set(version, compiled)
    return compiled
  }
}

/** The names of the rules that matched, from a full trace or a compact explain. */
export function matchedRules(from: unknown): string[] {
  if (Array.isArray(from)) return from.filter((t: RuleTrace) => t?.matched === true).map((t) => String(t.rule))
  const explain = from as { matched?: unknown; trace?: unknown } | null
  if (Array.isArray(explain?.matched)) return explain.matched.map(String)
  return Array.isArray(explain?.trace) ? matchedRules(explain.trace) : []
}
