// The state of one contact's work in a delivery round, shared by the round (round.ts),
// the calls that apply it (apply.ts) and the read-before-write of jobs in doubt
// (in-doubt.ts); apart from them so that neither of the last two imports the other for it.
import type { Job, TagFence } from '../store/index.js'
import type { Failure } from './failure.js'
import type { Superseded } from './fence.js'

/** Everything one contact gets in a round: its jobs' intents folded into one net change. */
export interface ContactWork {
  contactId: string
  jobs: Job[]
  add: string[]
  remove: string[]
  cachedKeys: string[]
  created: boolean
  conflict?: { emailContactId: string; phoneContactId: string }
  failure?: Failure
  via: Set<'bulk' | 'single'>
  /** a call for this contact was cut short by shutdown: leave its jobs to the lease release */
  cut: boolean
  /** per tag sent (lowercased): the intent that decided it, recorded in the fence when done */
  decided: Map<string, TagFence>
  /** tags a later event had already decided: not sent (the trail and a metric show them) */
  superseded: Superseded[]
  /** tags a job in doubt found already applied (added, or already gone): not sent again (in-doubt.ts) */
  alreadyApplied?: string[]
}

export function newWork(contactId: string): ContactWork {
  return {
    contactId,
    jobs: [],
    add: [],
    remove: [],
    cachedKeys: [],
    created: false,
    via: new Set(),
    cut: false,
    decided: new Map(),
    superseded: [],
  }
}
