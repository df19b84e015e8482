import { listDeadLetters, type DeadLetterSummary } from '../../../delivery/index.js'
import { errorCode, reasonInWords } from '../../../common/reasons.js'
import type { RouteDeps } from '../../deps.js'
import { knownRules } from './names.js'

/** What dead letters can be filtered by beside the location: the cause, the source, the rule, the age. */
export interface DeadFilter {
  location?: string | undefined
  /** the caller's scope: only these locations (in the store query); absent for scope all */
  locations?: readonly string[] | undefined
  code?: string | undefined
  source?: string | undefined
  rule?: string | undefined
  /** only those dead for at least this many minutes */
  olderThanMinutes?: number | undefined
}

export interface DeadRow extends DeadLetterSummary {
  code: string | null
  reason: string
  source: string | null
}

const PAGE = 1000

/** A dead letter with its cause in words and the source of its rules. */
export function describeDead(d: DeadLetterSummary, sourceOf: Map<string, string>): DeadRow {
  return {
    ...d,
    code: errorCode(d.lastError),
    reason: reasonInWords(d.lastError, d.location),
    source: d.rules.map((r) => sourceOf.get(r)).find((s) => s !== undefined) ?? null,
  }
}

export const rulesSources = (deps: Pick<RouteDeps, 'rules'>): Map<string, string> =>
  new Map(knownRules(deps).map((r) => [r.name, r.source]))

/** True when only the location (or nothing) filters: the store answers that alone. */
export const storeOnly = (f: DeadFilter): boolean =>
  f.code === undefined && f.source === undefined && f.rule === undefined && f.olderThanMinutes === undefined

function matches(d: DeadRow, f: DeadFilter, now: number): boolean {
  if (f.code !== undefined && d.code !== f.code) return false
  if (f.source !== undefined && d.source !== f.source) return false
  if (f.rule !== undefined && !d.rules.includes(f.rule)) return false
  if (f.olderThanMinutes !== undefined && now - d.deadSince < f.olderThanMinutes * 60_000) return false
  return true
}

/**
 * Walks the dead letters in id order (the store filters by location), keeping those that
 * match, from `afterId` until `limit` are found: linear in the dead letters walked.
 */
export async function scanDead(
  deps: Pick<RouteDeps, 'store' | 'rules'>,
  f: DeadFilter,
  afterId: number,
  limit: number,
  now = Date.now(),
): Promise<{ items: DeadRow[]; next: number | null }> {
  const sourceOf = rulesSources(deps)
  const items: DeadRow[] = []
  let after = afterId
  for (;;) {
    const page = await listDeadLetters(deps.store, {
      limit: PAGE,
      afterId: after,
      ...(f.location ? { location: f.location } : {}),
      ...(f.locations ? { locations: f.locations } : {}),
    })
    for (const d of page) {
      const row = describeDead(d, sourceOf)
      if (!matches(row, f, now)) continue
      items.push(row)
      if (items.length === limit) return { items, next: row.id }
    }
    if (page.length < PAGE) return { items, next: null }
    after = page.at(-1)!.id
  }
}

/** The dead letters that match, grouped by cause and location, biggest group first. */
export async function groupDead(deps: Pick<RouteDeps, 'store' | 'rules'>, f: DeadFilter) {
  const { items } = await scanDead(deps, f, 0, Number.MAX_SAFE_INTEGER)
  const groups = new Map<string, { code: string | null; location: string; reason: string; count: number }>()
  for (const d of items) {
    const key = `${d.code ?? d.lastError ?? ''}\u0000${d.location}`
    const g = groups.get(key)
    if (g) g.count++
    else groups.set(key, { code: d.code, location: d.location, reason: d.reason, count: 1 })
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.location.localeCompare(b.location))
}
