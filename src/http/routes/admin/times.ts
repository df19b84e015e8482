import type { DeadLetterDetail } from '../../../delivery/index.js'

/** Epoch ms as ISO 8601 (UTC), the one time format of the admin API. */
export function iso(ms: number): string
export function iso(ms: number | null | undefined): string | null
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString()
}

/** A dead letter as listed, its time ISO 8601 like the events routes. */
export const deadRowOut = <T extends { deadSince: number }>(d: T) => ({ ...d, deadSince: iso(d.deadSince) })

/** One dead letter with its attempts and event: every time ISO 8601. */
export const deadLetterOut = (d: DeadLetterDetail) => ({
  ...deadRowOut(d),
  history: d.history.map((a) => ({ ...a, startedAt: iso(a.startedAt), finishedAt: iso(a.finishedAt) })),
  event: d.event && { ...d.event, receivedAt: iso(d.event.receivedAt) },
})
