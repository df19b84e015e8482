import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_REQUEST_BYTES = 1024 * 1024
const BURST_MAX = 100
const BURST_INTERVAL_MS = 10_000
const DAILY_LIMIT = 200_000
const DAY_MS = 86_400_000

export type ReadResult = { tooLarge: false; body: Buffer } | { tooLarge: true }

export function readRequestBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<ReadResult> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ tooLarge: true })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.pause()
        resolve({ tooLarge: true })
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => resolve({ tooLarge: false, body: Buffer.concat(chunks) }))
    req.once('error', reject)
  })
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  })
  res.end(payload)
}

interface Bucket { windowStart: number; used: number; dayStart: number; usedToday: number }

/** HighLevel-style X-RateLimit-* counters per location; counts but never enforces. */
export class RateCounters {
  readonly #buckets = new Map<string, Bucket>()

  consume(key: string, now = Date.now()): Record<string, string> {
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = { windowStart: now, used: 0, dayStart: now, usedToday: 0 }
      this.#buckets.set(key, bucket)
    }
    if (now - bucket.windowStart >= BURST_INTERVAL_MS) Object.assign(bucket, { windowStart: now, used: 0 })
    if (now - bucket.dayStart >= DAY_MS) Object.assign(bucket, { dayStart: now, usedToday: 0 })
    bucket.used++
    bucket.usedToday++
    return {
      'x-ratelimit-max': String(BURST_MAX),
      'x-ratelimit-remaining': String(Math.max(0, BURST_MAX - bucket.used)),
      'x-ratelimit-interval-milliseconds': String(BURST_INTERVAL_MS),
      'x-ratelimit-limit-daily': String(DAILY_LIMIT),
      'x-ratelimit-daily-remaining': String(Math.max(0, DAILY_LIMIT - bucket.usedToday)),
    }
  }
}

const DEFAULT_FAULT_BODIES: Record<number, object> = {
  400: { statusCode: 400, message: 'Bad Request' },
  401: { statusCode: 401, message: 'Invalid JWT', error: 'Unauthorized' },
  403: { statusCode: 403, message: 'The token does not have access to this location.' },
  404: { statusCode: 404, message: 'Not Found', error: 'Not Found' },
  422: { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' },
  429: { statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' },
}

export function faultBody(status: number): object {
  return DEFAULT_FAULT_BODIES[status] ?? { statusCode: status, message: status >= 500 ? 'Internal server error' : 'Error' }
}
