import { BadSignatureError, StaleTimestampError } from '../errors.js'

/**
 * Checks a signed timestamp against the clock, both ways: an old one is a replay, a
 * future one is a forger's way to extend a replay window. `unit` is what the sender
 * writes: seconds (Stripe, Standard Webhooks, Calendly) or milliseconds (Webflow, HubSpot).
 */
export function checkTimestamp(
  source: string,
  value: string | undefined,
  unit: 's' | 'ms',
  toleranceSeconds: number,
  nowMs: number,
): void {
  if (value === undefined || !/^\d{1,16}$/.test(value))
    throw new BadSignatureError(source, 'timestamp missing or not an integer')
  const ms = unit === 's' ? Number(value) * 1000 : Number(value)
  assertFresh(source, ms, toleranceSeconds, nowMs)
}

export function assertFresh(source: string, ms: number, toleranceSeconds: number, nowMs: number): void {
  const skew = Math.round((ms - nowMs) / 1000)
  if (!Number.isFinite(ms) || Math.abs(ms - nowMs) > toleranceSeconds * 1000) {
    throw new StaleTimestampError(source, Number.isFinite(skew) ? skew : -1, toleranceSeconds)
  }
}
