import { noCreateAdvice, type ContactRef } from '../rules/index.js'
import type { Judgement } from './judge.js'

/** One job as the 202 answer lists it: who, where, what, and what happens if the contact is new. */
export interface JobSummary {
  location: string
  contact: ContactRef
  add: string[]
  remove: string[]
  /**
   * `create`: a contact HighLevel does not have yet is created; `wait`: it is waited for
   * (the rules have no `create:`), then the job becomes a dead letter; absent for a contact id.
   */
  ifNew?: 'create' | 'wait'
  /** what `wait` means, in words */
  note?: string
}

/**
 * The per-job summary of an accepted event. Why the "wait" note at accept time: a job
 * for a new person without `create:` is only known to fail a day later, as a dead
 * letter; the sender's developer reads the 202 now.
 */
export function summariseJobs(judgement: Pick<Judgement, 'intents'>, contactNotFoundRetryHours: number): JobSummary[] {
  return judgement.intents.map((i) => {
    const out: JobSummary = { location: i.location, contact: i.contact, add: i.add, remove: i.remove }
    if (i.contact.id !== undefined) return out
    if (i.create) return { ...out, ifNew: 'create' }
    return {
      ...out,
      ifNew: 'wait',
      note: `if the contact does not exist in HighLevel yet, the job waits for it: ${noCreateAdvice(contactNotFoundRetryHours)}`,
    }
  })
}
