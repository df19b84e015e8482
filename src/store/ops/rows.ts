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
  contacts: string
  status: string
  reverified_at: number | null
  reverify_code: string | null
}

export type RefusedSummaryRow = Omit<RefusedRow, 'method' | 'url' | 'headers' | 'query' | 'body'>

export const REFUSED_SUMMARY_COLUMNS =
  'id, source, received_at, code, bytes, contacts, status, reverified_at, reverify_code'

/** The columns of a new row, in insert order (the stores bind them positionally). */
export function refusedValues(r: NewRefusedRequest): unknown[] {
  return [
    r.id,
    r.source,
    r.receivedAt,
    r.code,
    r.method,
    r.url,
    JSON.stringify(r.headers),
    JSON.stringify(r.query),
    r.body,
    r.body.length,
    JSON.stringify(r.contacts),
  ]
}

export function toRefusedSummary(row: RefusedSummaryRow): RefusedSummary {
  return {
    id: row.id,
    source: row.source,
    receivedAt: row.received_at,
    code: row.code,
    contacts: JSON.parse(row.contacts) as string[],
    bytes: row.bytes,
    status: row.status as RefusedStatus,
    reverifiedAt: row.reverified_at,
    reverifyCode: row.reverify_code,
  }
}

export function toRefused(row: RefusedRow): RefusedRequest {
  return {
    ...toRefusedSummary(row),
    method: row.method,
    url: row.url,
    headers: JSON.parse(row.headers) as Record<string, string | string[]>,
    query: JSON.parse(row.query) as Record<string, unknown>,
    body: Buffer.from(row.body),
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

/** Trims one source to its bounds: the newest rows within both the count and the byte total stay. */
export const TRIM_SOURCE_SQL = (p: (n: number) => string): string => `
  DELETE FROM refused_requests WHERE id IN (
    SELECT id FROM (
      SELECT id,
        ROW_NUMBER() OVER (ORDER BY id DESC) AS n,
        SUM(bytes) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS total
      FROM refused_requests WHERE source = ${p(1)}
    ) ranked WHERE n > ${p(2)} OR total > ${p(3)}
  )`
