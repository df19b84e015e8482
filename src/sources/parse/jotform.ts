import { assertJsonDepth, assertWidth } from './limits.js'
import { parseJsonText } from './json.js'

/**
 * Jotform posts its answers twice: flattened into form fields (`q3_email`…) only for some
 * fields, and whole in `rawRequest`, a JSON string. Parsing it and merging its keys at the
 * top level lets rules say `q3_email` whatever the form. Existing top-level keys win; the
 * parsed object also replaces the string under `rawRequest`. A `rawRequest` that is not a
 * JSON object is left as it came.
 */
export function mergeJotformRawRequest(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  const record = body as Record<string, unknown>
  const raw = record.rawRequest
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('{')) return body
  let parsed: unknown
  try {
    assertJsonDepth(raw)
    parsed = parseJsonText(raw)
    assertWidth(parsed)
  } catch {
    return body
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return body
  const merged: Record<string, unknown> = { ...(parsed as Record<string, unknown>), ...record, rawRequest: parsed }
  assertWidth(merged)
  return merged
}
