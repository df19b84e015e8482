import type { Queryable } from '../pool.js'

/** Rule sets by version: written once per version (at start and on reload), read by the trail. */
export async function saveRuleSet(db: Queryable, version: string, definition: string, now: number): Promise<void> {
  await db.query(
    'INSERT INTO rule_sets (version, definition, created_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING',
    [version, definition, now],
  )
}

export async function loadRuleSet(db: Queryable, version: string): Promise<string | undefined> {
  const { rows } = await db.query<{ definition: string }>('SELECT definition FROM rule_sets WHERE version = $1', [
    version,
  ])
  return rows[0]?.definition
}
