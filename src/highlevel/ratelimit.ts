import { headerValue, type HeaderSource } from './headers.js'

/** HighLevel's rate-limit headers; each field is null when absent or unparsable. */
export interface RateLimitInfo {
  max: number | null
  remaining: number | null
  intervalMs: number | null
  dailyLimit: number | null
  dailyRemaining: number | null
}

function nonNegativeInt(raw: string | undefined): number | null {
  if (raw === undefined) return null
  const text = raw.trim()
  if (!/^\d+$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

export function parseRateLimit(headers: HeaderSource | undefined): RateLimitInfo {
  const read = (name: string) => nonNegativeInt(headerValue(headers, name))
  return {
    max: read('x-ratelimit-max'),
    remaining: read('x-ratelimit-remaining'),
    intervalMs: read('x-ratelimit-interval-milliseconds'),
    dailyLimit: read('x-ratelimit-limit-daily'),
    dailyRemaining: read('x-ratelimit-daily-remaining'),
  }
}

/** True when at least one rate-limit header was present and valid. */
export function hasRateLimit(info: RateLimitInfo): boolean {
  return Object.values(info).some((v) => v !== null)
}
