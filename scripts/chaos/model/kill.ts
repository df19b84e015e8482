import type { EngineClient } from '../../../src/delivery/index.js'
import type { Store } from '../../../src/store/index.js'

/**
 * A kill inside one process: a switch that, once on, makes every store call and every
 * HighLevel answer of one delivery worker fail, as nothing of a SIGKILLed process is
 * written or heard any more. What HighLevel already received stays applied: the switch
 * can flip right after a call reached HighLevel and before its answer is read, the kill
 * point the crash harness can only hit by chance. The restarted process is a new worker
 * with a new owner on the same store.
 *
 * Why in-process and not a real SIGKILL for the model: the model checks thousands of
 * scenarios against the oracle; a child process per restart costs seconds each, and the
 * moment of a signal cannot be aimed at "after HighLevel applied, before the answer".
 */
export class DeadSwitch {
  on = false
  /** when set: the switch flips after this many more HighLevel answers (0: never by count) */
  afterCalls = 0

  kill(): void {
    this.on = true
  }

  /**
   * The store as the dead process sees it: every call of the roles it writes through
   * fails. The scheduler's agenda (`jobs.dueLocations`, `jobs.nextDueAt`) and the roles
   * the engine only reports to stay as they are.
   */
  store(store: Store): Store {
    const roles = new Map<PropertyKey, object>()
    const dead = <T extends object>(target: T, spare: readonly PropertyKey[] = []): T =>
      new Proxy(target, {
        get: (t, key) => {
          const value = Reflect.get(t, key) as unknown
          if (typeof value === 'function' && !spare.includes(key))
            return (...args: unknown[]) =>
              this.on ? Promise.reject(new Killed()) : (value as (...a: unknown[]) => unknown).apply(t, args)
          if (t !== store || !KILLED_ROLES.includes(key as never)) return value
          if (!roles.has(key))
            roles.set(key, dead(value as object, key === 'jobs' ? ['dueLocations', 'nextDueAt'] : []))
          return roles.get(key)
        },
      })
    return dead(store)
  }

  /** `dieAfter`: this call's answer is lost and the process dies once HighLevel has it. */
  client(client: EngineClient, dieAfter?: keyof EngineClient): EngineClient {
    const wrap =
      (k: keyof EngineClient) =>
      async (...args: unknown[]): Promise<unknown> => {
        if (this.on) throw new Killed()
        const answer = await (client[k] as (...a: unknown[]) => Promise<unknown>).apply(client, args)
        if (k === dieAfter || (this.afterCalls > 0 && --this.afterCalls === 0)) this.kill()
        if (this.on) throw new Killed()
        return answer
      }
    const keys = [
      'addTags',
      'removeTags',
      'bulkTags',
      'findContact',
      'upsertContact',
      'searchContacts',
      'getContact',
    ] as const
    return Object.fromEntries(keys.map((k) => [k, wrap(k)])) as unknown as EngineClient
  }
}

const KILLED_ROLES = [
  'intake',
  'jobs',
  'contacts',
  'trail',
  'deadLetters',
  'tokens',
  'ruleSets',
  'housekeeping',
] as const

export class Killed extends Error {
  constructor() {
    super('the process was killed')
  }
}
