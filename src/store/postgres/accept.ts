import type pg from 'pg'
import {
  asDuplicateEvent,
  duplicateOf,
  eventValues,
  INSERT_EVENT,
  JOB_COLUMNS,
  jobValues,
  type FirstRow,
} from '../inserts.js'
import { placeholders } from '../sql.js'
import type { AcceptOptions, AcceptResult, NewEvent, NewJob } from '../types.js'

/**
 * Stores one event with its jobs; with a dedupe key, in one transaction on `client`.
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
      const { rows } = await client.query<FirstRow>(
        `SELECT d.event_id, e.tags, e."explain" FROM dedupe d LEFT JOIN events e ON e.id = d.event_id
         WHERE d.source = $1 AND d.key = ANY($2::text[]) ORDER BY d.key LIMIT 1`,
        [event.source, keys],
      )
      return duplicateOf(rows[0]!)
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
export async function insertEventWithJobs(db: pg.Pool | pg.PoolClient, event: NewEvent, jobs: NewJob[]): Promise<void> {
  const values: unknown[] = eventValues(event)
  const tuples = jobs.map((job) => {
    const own = jobValues(event.id, job, event.receivedAt)
    values.push(...own)
    return placeholders(own.length, values.length - own.length)
  })
  const sql =
    jobs.length === 0
      ? INSERT_EVENT
      : `WITH e AS (${INSERT_EVENT}) INSERT INTO jobs (${JOB_COLUMNS}) VALUES ${tuples.join(', ')}`
  try {
    await db.query(sql, values)
  } catch (err) {
    throw asDuplicateEvent(event.id, err, '23505')
  }
}
