import { PortalLinksSql } from './access.js'
import { AlertOutboxSql } from './alerts.js'
import { AuthFailuresSql } from './auth-failures.js'
import { ContactsSql } from './contacts.js'
import { DeadLettersSql } from './dead-letters.js'
import { DirectorySql } from './directory.js'
import { HousekeepingSql } from './housekeeping.js'
import { QueueSql } from './queue.js'
import { RefusedSql, type RefusedKeep } from './refused.js'
import type { EventIntake, JobQueue, Store, StoreLifecycle, TokenStore, Trail } from './roles.js'
import { NoncesSql, SessionsSql } from './security.js'
import type { Sql } from './sql.js'
import { TokensSql } from './tokens.js'
import { TrailSql } from './trail.js'

/**
 * What each store brings of its own (sqlite/store.ts, postgres/store.ts): opening and
 * closing, the accept path, the event list, the OAuth refresh lock and its capabilities.
 */
export type OwnParts = Omit<StoreLifecycle, 'directory'> &
  EventIntake &
  Pick<Trail, 'listEvents'> &
  Pick<TokenStore, 'withOAuthLock'> &
  Pick<JobQueue, 'takeOverLeases'>

/** A role's methods bound to it, to spread into the store. */
function methodsOf<T extends object>(role: T): T {
  const names = Object.getOwnPropertyNames(Object.getPrototypeOf(role)).filter((n) => n !== 'constructor')
  return Object.fromEntries(names.map((n) => [n, (role as Record<string, () => unknown>)[n]!.bind(role)])) as T
}

/**
 * The store: each role written once over `sql` (one class per role, each method one SQL
 * operation or one transaction), plus what the store brings of its own. The flat roles
 * of the contract (roles.ts) are the classes' methods; the others are the classes.
 */
export function assembleStore<O extends OwnParts>(
  sql: Sql,
  own: O,
  keepRefused?: () => RefusedKeep | undefined,
): O & Store {
  return Object.assign(
    own,
    methodsOf(new QueueSql(sql)),
    methodsOf(new ContactsSql(sql)),
    methodsOf(new TrailSql(sql)),
    methodsOf(new DeadLettersSql(sql)),
    methodsOf(new TokensSql(sql)),
    methodsOf(new HousekeepingSql(sql)),
    {
      directory: new DirectorySql(sql),
      refused: new RefusedSql(sql, keepRefused),
      alerts: new AlertOutboxSql(sql),
      sessions: new SessionsSql(sql),
      nonces: new NoncesSql(sql),
      portalLinks: new PortalLinksSql(sql),
      authFailures: new AuthFailuresSql(sql),
    },
  )
}
