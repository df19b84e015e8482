import type { Readable } from 'node:stream'
import { HighLevelResponseError } from './errors.js'

export const MAX_RESPONSE_BYTES = 1024 * 1024
const MAX_KEPT_TEXT = 2000

/** Reads the whole body (capped) and always leaves the stream consumed or destroyed. */
export async function readText(body: Readable, status: number, limit = MAX_RESPONSE_BYTES): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer
      size += buf.length
      if (size > limit) {
        throw new HighLevelResponseError(`HighLevel response body exceeds ${limit} bytes`, { status })
      }
      chunks.push(buf)
    }
  } finally {
    if (!body.readableEnded) body.destroy()
  }
  return Buffer.concat(chunks).toString('utf8')
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; text: string }

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, text: text.length > MAX_KEPT_TEXT ? `${text.slice(0, MAX_KEPT_TEXT)}...` : text }
  }
}

/** Removes the bearer token should a proxy or HighLevel ever echo it back in a body. */
export function scrubSecret(value: unknown, secret: string): unknown {
  if (secret === '' || value === undefined) return value
  const json = JSON.stringify(value)
  if (json === undefined || !json.includes(secret)) return value
  return JSON.parse(json.split(secret).join('[redacted]')) as unknown
}
