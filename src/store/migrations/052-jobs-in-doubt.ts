import { migration } from './migration.js'

/**
 * 52: A job whose last claim ended without an outcome (its owner was killed or lost the
 * lease) is in doubt: HighLevel may have applied its calls already. Its next round reads
 * the contact before writing and sends only what is not there yet (delivery/in-doubt.ts),
 * so a crash costs a read, not a second tag write. Cleared when an attempt is recorded.
 */
export default migration(52, 'jobs_in_doubt')`
      ALTER TABLE jobs ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
`
