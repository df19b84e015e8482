import type { Database } from 'better-sqlite3'

/** Rule sets by version: written once per version (at start and on reload), read by the trail. */
export function prepareRuleSetQueries(db: Database) {
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO rule_sets (version, definition, created_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING',
  )
  const select = db.prepare<[string], { definition: string }>('SELECT definition FROM rule_sets WHERE version = ?')
  return {
    insertRuleSet(version: string, definition: string, now: number): void {
      insert.run(version, definition, now)
    },
    selectRuleSet(version: string): string | undefined {
      return select.get(version)?.definition
    },
  }
}
