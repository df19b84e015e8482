import type { Database } from 'better-sqlite3'
import { prepareContactCacheQueries } from './queries/contact-cache.js'
import { prepareDeadLetterQueries } from './queries/dead-letters.js'
import { prepareDedupeQueries } from './queries/dedupe.js'
import { prepareEventQueries } from './queries/events.js'
import { prepareFenceQueries } from './queries/fence.js'
import { prepareFinishQueries } from './queries/finish.js'
import { prepareJobQueries } from './queries/jobs.js'
import { prepareLeaseQueries } from './queries/leases.js'
import { prepareOAuthQueries } from './queries/oauth.js'
import { prepareRetentionQueries } from './queries/retention.js'
import { prepareRerunQueries } from './queries/reruns.js'
import { prepareRuleSetQueries } from './queries/rule-sets.js'
import { prepareTrailQueries } from './queries/trail.js'

/**
 * Every statement the store runs, prepared once. Why once: preparing parses and plans
 * the SQL; on the accept path that would be paid per webhook. Why after `migrate()`:
 * SQLite checks table and column names at prepare time.
 */
export function prepareStatements(db: Database) {
  return {
    ...prepareEventQueries(db),
    ...prepareJobQueries(db),
    ...prepareLeaseQueries(db),
    ...prepareFinishQueries(db),
    ...prepareFenceQueries(db),
    ...prepareOAuthQueries(db),
    ...prepareDedupeQueries(db),
    ...prepareRetentionQueries(db),
    ...prepareTrailQueries(db),
    ...prepareContactCacheQueries(db),
    ...prepareDeadLetterQueries(db),
    ...prepareRuleSetQueries(db),
    ...prepareRerunQueries(db),
  }
}

export type Statements = ReturnType<typeof prepareStatements>
