import m1 from './001-init.js'
import m2 from './002-dedupe.js'
import m3 from './003-oauth-tokens.js'
import m4 from './004-job-contact-phone-and-create.js'
import m5 from './005-delivery-engine.js'
import m6 from './006-rate-budget.js'
import m7 from './007-events-by-source.js'
import m8 from './008-rate-window.js'
import m9 from './009-rule-sets.js'
import m10 from './010-job-resolved-contact.js'
import m11 from './011-event-reruns.js'
import m20 from './020-locations.js'
import m30 from './030-refused-requests.js'
import m31 from './031-alert-outbox.js'
import m32 from './032-jobs-dead-since.js'
import m33 from './033-job-trace-parent.js'
import m34 from './034-alert-leader.js'
import m40 from './040-jobs-contact-indexes.js'
import m41 from './041-event-contact.js'
import m42 from './042-attempt-rate-limit.js'
import m50 from './050-last-word-fence.js'
import m51 from './051-delivery-owner.js'
import m52 from './052-jobs-in-doubt.js'
import m60 from './060-refused-bytes.js'
import m65 from './065-console-sessions.js'
import m66 from './066-used-nonces.js'
import m70 from './070-auth-failures.js'
import m80 from './080-console-session-scope.js'
import m81 from './081-portal-links.js'
import type { Migration } from './migration.js'

/** Every migration this build knows, one file per version, in order (migration.ts has the rules). */
export const migrations: readonly Migration[] = [
  m1,
  m2,
  m3,
  m4,
  m5,
  m6,
  m7,
  m8,
  m9,
  m10,
  m11,
  m20,
  m30,
  m31,
  m32,
  m33,
  m34,
  m40,
  m41,
  m42,
  m50,
  m51,
  m52,
  m60,
  m65,
  m66,
  m70,
  m80,
  m81,
]

/** The newest schema version this build knows. */
export const latestVersion: number = Math.max(...migrations.map((m) => m.version))

export type { Migration, ColumnTypes } from './migration.js'
export { columnTypes } from './migration.js'
