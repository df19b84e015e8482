import type { Alert, AlertStatus, NewRefusedRequest, RefusedRequest, RefusedStatus, RefusedSummary } from './types.js'

/** A refused_requests row as both drivers return it (BIGINT read as number, see postgres/pool.ts). */
export interface RefusedRow {
  id: string
  source: string
  received_at: number
  code: string
  method: string
  url: string
  headers: string
  query: string
  body: Buffer
  bytes: number
  status: string
  reverified_at: number | null
  reverify_code: string | null
}

/** A row as listed: the body's first bytes and its length, not the body. */
export type RefusedSummaryRow = Omit<RefusedRow, 'method' | 'query' | 'body'> & {
  body_head: Buffer
  body_bytes: number
}

/** How much of a body the list reads: enough for the contacts of any form, bounded however large the body. */
export const REFUSED_HEAD_BYTES = 16_384

/**
 * The columns of a new row, in insert order (the stores bind them positionally). `bytes`
 * is every byte the row holds, so the per-source byte cap bounds what is really stored.
 */
export function refusedValues(r: NewRefusedRequest): unknown[] {
  const headers = JSON.stringify(r.headers)
  const query = JSON.stringify(r.query)
  const text = [r.id, r.source, r.code, r.method, r.url, headers, query].reduce((n, s) => n + Buffer.byteLength(s), 0)
  return [r.id, r.source, r.receivedAt, r.code, r.method, r.url, headers, query, r.body, r.body.length + text]
}

const contentTypeOf = (headers: Record<string, string | string[]>): string | null => {
  const type = headers['content-type']
  return (Array.isArray(type) ? type[0] : type) ?? null
}

/** The location segment of a hook URL (`/hooks/:source/:location`), as the webhook route reads it. */
export function urlLocationOf(url: string): string | undefined {
  const parts = (url.split('?')[0] ?? '').split('/').filter((p) => p !== '')
  if (parts[0] !== 'hooks' || parts.length !== 3) return undefined
  try {
    return decodeURIComponent(parts[2]!)
  } catch {
    return parts[2]
  }
}

export function toRefusedSummary(row: RefusedSummaryRow): RefusedSummary {
  const urlLocation = urlLocationOf(row.url)
  return {
    ...(urlLocation !== undefined ? { urlLocation } : {}),
    id: row.id,
    source: row.source,
    receivedAt: row.received_at,
    code: row.code,
    bytes: row.bytes,
    status: row.status as RefusedStatus,
    reverifiedAt: row.reverified_at,
    reverifyCode: row.reverify_code,
    head: {
      body: Buffer.from(row.body_head),
      complete: row.body_bytes <= REFUSED_HEAD_BYTES,
      contentType: contentTypeOf(JSON.parse(row.headers) as Record<string, string | string[]>),
    },
  }
}

export function toRefused(row: RefusedRow): RefusedRequest {
  const body = Buffer.from(row.body)
  const headers = JSON.parse(row.headers) as Record<string, string | string[]>
  return {
    ...toRefusedSummary({ ...row, body_head: body.subarray(0, REFUSED_HEAD_BYTES), body_bytes: body.length }),
    method: row.method,
    url: row.url,
    headers,
    query: JSON.parse(row.query) as Record<string, unknown>,
    body,
  }
}

export interface AlertRow {
  id: number
  destination: string
  kind: string
  subject: string
  state: string
  payload: string
  created_at: number
  status: string
  attempts: number
  next_at: number
  last_error: string | null
  sent_at: number | null
}

export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    destination: row.destination,
    kind: row.kind,
    subject: row.subject,
    state: row.state,
    payload: JSON.parse(row.payload) as unknown,
    createdAt: row.created_at,
    status: row.status as AlertStatus,
    attempts: row.attempts,
    nextAt: row.next_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
  }
}
