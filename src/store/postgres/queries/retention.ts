import type { Queryable } from '../pool.js'

/**
 * Deletes events received before `before` whose jobs are all done (or that had none);
 * their jobs and attempts go with them (ON DELETE CASCADE). An event with a pending or
 * dead job is kept whole: dead letters stay until replayed or discarded. Expired dedupe
 * keys go too. Returns how many events were deleted.
 */
export async function pruneDelivered(db: Queryable, before: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM events e WHERE e.received_at < $1
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.status <> 'done')`,
    [before],
  )
  await db.query('DELETE FROM dedupe WHERE expires_at <= $1', [before])
  return res.rowCount ?? 0
}
