import type pg from 'pg'
import type { Queryable } from '../pool.js'
import { TagrelayError } from '../../../errors.js'
import type { AcceptOptions, AcceptResult, NewEvent, NewJob } from '../../types.js'
import { toJson } from '../../rows.js'

const JOB_COLUMNS = 13

/**
 * Stores one event with its jobs inside the caller's transaction.
 *
 * Why the dedupe keys are claimed first, with `INSERT ... ON CONFLICT DO UPDATE ... WHERE
 * expired`: the unique key is the arbiter across replicas. A second copy arriving while
 * the first transaction is open blocks on the key row until that one commits, then sees
 * a live key, updates nothing and gets no row back: it is a duplicate. An expired key is
 * taken over in the same statement. With several keys (delivery id and body hash), they
 * are claimed in sorted order, so two transactions never wait on each other in a cycle;
 * if any one is live, the keys this copy did claim are deleted again and nothing else
 * has been written.
 */
export async function acceptEvent(
  client: pg.PoolClient,
  event: NewEvent,
  jobs: NewJob[],
  opts: AcceptOptions,
): Promise<AcceptResult> {
  const { dedupe } = opts
  if (dedupe) {
    const keys = [...new Set([dedupe.key, ...(dedupe.alsoKeys ?? [])])].sort()
    const claimed = await client.query(
      `INSERT INTO dedupe (source, key, event_id, expires_at)
       SELECT $1, k, $3, $4 FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
       ON CONFLICT (source, key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at
       WHERE dedupe.expires_at <= $5
       RETURNING event_id`,
      [event.source, keys, event.id, dedupe.expiresAt, event.receivedAt],
    )
    if ((claimed.rowCount ?? 0) < keys.length) {
      if ((claimed.rowCount ?? 0) > 0)
        await client.query('DELETE FROM dedupe WHERE source = $1 AND key = ANY($2::text[]) AND event_id = $3', [
          event.source,
          keys,
          event.id,
        ])
      const { rows } = await client.query<{ event_id: string; tags: string | null; explain: string | null }>(
        `SELECT d.event_id, e.tags, e."explain" FROM dedupe d LEFT JOIN events e ON e.id = d.event_id
         WHERE d.source = $1 AND d.key = ANY($2::text[]) ORDER BY d.key LIMIT 1`,
        [event.source, keys],
      )
      const first = rows[0]!
      return {
        duplicate: true,
        id: first.event_id,
        tags: first.tags === null ? [] : (JSON.parse(first.tags) as string[]),
        explain: first.explain === null ? null : (JSON.parse(first.explain) as unknown),
      }
    }
  }
  await insertEventWithJobs(client, event, jobs)
  return { duplicate: false }
}

/**
 * The event and its jobs in ONE statement (data-modifying CTEs): atomic on its own, so
 * an accept without a dedupe key is one round trip in autocommit instead of four
 * (BEGIN, two INSERTs, COMMIT). The jobs' foreign key is checked at the end of the
 * statement, when the event row exists.
 */
export async function insertEventWithJobs(db: Queryable, event: NewEvent, jobs: NewJob[]): Promise<void> {
  const values: unknown[] = [
    event.id,
    event.source,
    event.receivedAt,
    toJson(event.headers),
    toJson(event.body),
    toJson(event.tags),
    toJson(event.explain),
    event.contact?.id ?? null,
    event.contact?.email?.toLowerCase() ?? null,
    event.contact?.phone ?? null,
  ]
  const insertEvent = `INSERT INTO events (id, source, received_at, headers, body, tags, "explain", contact_id, contact_email, contact_phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
  const sql = jobs.length === 0 ? insertEvent : `WITH e AS (${insertEvent}) ${jobsInsert(event, jobs, values)}`
  try {
    await db.query(sql, values)
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).code === '23505') {
      throw new TagrelayError('TAGRELAY_STORE_DUPLICATE_EVENT', `event ${event.id} is already stored`, 409, {
        cause: err,
      })
    }
    throw err
  }
}

/** One multi-row INSERT for all of an event's jobs (ids in list order); appends its parameters to `values`. */
export function jobsInsert(event: Pick<NewEvent, 'id' | 'receivedAt'>, jobs: NewJob[], values: unknown[]): string {
  const first = values.length
  const tuples = jobs.map((job, i) => {
    values.push(
      event.id,
      job.location,
      job.contact.id ?? null,
      job.contact.email ?? null,
      job.contact.phone ?? null,
      job.create === undefined ? null : toJson(job.create),
      toJson(job.add),
      toJson(job.remove),
      toJson(job.rules),
      event.receivedAt,
      event.receivedAt,
      event.receivedAt,
      job.traceParent ?? null,
    )
    const p = Array.from({ length: JOB_COLUMNS }, (_, k) => `$${first + i * JOB_COLUMNS + k + 1}`)
    return `(${p.join(', ')})`
  })
  return `INSERT INTO jobs (event_id, location, contact_id, contact_email, contact_phone, create_fields,
                       add_tags, remove_tags, rules, run_at, created_at, updated_at, trace_parent)
     VALUES ${tuples.join(', ')}`
}
