import { createHash } from 'node:crypto'
import type { DedupeSource } from './verify/index.js'
import type { InboundRequest } from './types.js'
import { singleHeader } from './verify/read.js'

export interface DedupeRule {
  /** where the delivery id is; none: dedupe by the body hash alone */
  from?: DedupeSource
  /** also dedupe by a hash of the raw body */
  bodyHash: boolean
  retentionMs: number
}

/** The keys that identify one delivery: its id, then its body's hash; none when the request carries neither. */
export function dedupeKeys(rule: DedupeRule, req: InboundRequest, body: unknown): string[] {
  const keys: string[] = []
  const id = rule.from && dedupeKey(rule.from, req, body)
  if (id) keys.push(id)
  if (rule.bodyHash) keys.push(`body:sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`)
  return keys
}

/**
 * The delivery id of a request, or undefined when it carries none (then it is simply
 * stored: dedupe is best effort on what the sender gives). Long ids are hashed so the
 * key column stays small.
 */
function dedupeKey(from: DedupeSource, req: InboundRequest, body: unknown): string | undefined {
  let value: unknown
  if ('header' in from) value = singleHeader(req, from.header)
  else value = readPath(body, from.path)
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value)
  if (typeof value !== 'string' || value === '') return undefined
  return value.length <= 200 ? value : `sha256:${createHash('sha256').update(value).digest('hex')}`
}

/** `a.b.0.c`: own properties only, so no path reaches a prototype. */
function readPath(body: unknown, path: string): unknown {
  let node = body
  for (const seg of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, seg)) return undefined
    node = (node as Record<string, unknown>)[seg]
  }
  return node
}
