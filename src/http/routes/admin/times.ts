import type { DeadLetterDetail, DeadLetterSummary } from '../../../delivery/index.js'

/** Epoch ms as ISO 8601 (UTC), the one time format of the admin API. */
export function iso(ms: number): string
export function iso(ms: number | null | undefined): string | null
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString()
}

/** A dead letter as the admin API shows it: every time ISO 8601, like the events routes. */
export function deadLetterOut(d: DeadLetterSummary): Record<string, unknown> {
  const out: Record<string, unknown> = { ...d, deadSince: iso(d.deadSince) }
  const detail = d as Partial<DeadLetterDetail>
  if (detail.history)
    out.history = detail.history.map((a) => ({ ...a, startedAt: iso(a.startedAt), finishedAt: iso(a.finishedAt) }))
  if (detail.event) out.event = { ...detail.event, receivedAt: iso(detail.event.receivedAt) }
  return out
}
