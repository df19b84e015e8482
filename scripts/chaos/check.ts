import { setTimeout as sleep } from 'node:timers/promises'
import type { Sandbox } from '../../src/sandbox/index.js'
import type { Store } from '../../src/store/index.js'
import type { SentEvent } from './driver.js'

export type TagView = Pick<Sandbox, 'getContact' | 'repeatedTagAdds'>

export interface SetCheck {
  acknowledged: number
  /** acknowledged events whose tag is on their contact */
  delivered: number
  /** acknowledged events whose tag is not */
  lost: number
  /** tag additions beyond the first, over every tag of the run (at-least-once redeliveries) */
  duplicatesApplied: number
  unacknowledged: number
  /** events without a 202 (the answer was lost to a kill) that were stored and delivered anyway */
  unacknowledgedDelivered: number
  /** up to 20 lost tags, to look up in the trail */
  lostTags: string[]
}

/**
 * The set check: every acknowledged event's tag must be on its contact in the sandbox.
 * Reads the sandbox directly, not the service's store: the store's own claim that a job
 * is done is what is being checked.
 */
export function checkDelivery(
  view: TagView,
  acknowledged: ReadonlyMap<string, SentEvent>,
  unacknowledged: ReadonlyMap<string, SentEvent> = new Map(),
): SetCheck {
  const tagsOf = new Map<string, Set<string>>()
  const has = ({ tag, contactId }: SentEvent): boolean => {
    let tags = tagsOf.get(contactId)
    if (tags === undefined) {
      tags = new Set(view.getContact(contactId)?.tags ?? [])
      tagsOf.set(contactId, tags)
    }
    return tags.has(tag)
  }
  const lostTags: string[] = []
  let lost = 0
  for (const event of acknowledged.values()) {
    if (has(event)) continue
    lost++
    if (lostTags.length < 20) lostTags.push(event.tag)
  }
  let duplicatesApplied = 0
  const contactIds = new Set([...acknowledged.values(), ...unacknowledged.values()].map((e) => e.contactId))
  // the events' own tags only: `subscribed` is added again by every opt-in after an opt-in
  // in a run without any crash, so its repeats are no duplicates
  for (const id of contactIds)
    for (const [tag, n] of Object.entries(view.repeatedTagAdds(id)))
      if (tag.startsWith('chaos-')) duplicatesApplied += n
  return {
    acknowledged: acknowledged.size,
    delivered: acknowledged.size - lost,
    lost,
    duplicatesApplied,
    unacknowledged: unacknowledged.size,
    unacknowledgedDelivered: [...unacknowledged.values()].filter(has).length,
    lostTags,
  }
}

/** Polls until nothing acknowledged is missing or `timeoutMs` has passed; answers the last check. */
export async function waitForDelivery(
  view: TagView,
  acknowledged: ReadonlyMap<string, SentEvent>,
  unacknowledged: ReadonlyMap<string, SentEvent>,
  timeoutMs: number,
): Promise<SetCheck & { waitedMs: number }> {
  const started = Date.now()
  for (;;) {
    const check = checkDelivery(view, acknowledged, unacknowledged)
    const waitedMs = Date.now() - started
    if (check.lost === 0 || waitedMs >= timeoutMs) return { ...check, waitedMs }
    await sleep(100)
  }
}

export interface JobCheck {
  jobs: number
  pending: number
  done: number
  /** dead letters: with transient faults only, there must be none */
  dead: number
  /** jobs delivered on a later attempt than the first */
  retriedJobs: number
  /** the most attempts any job took, and how many exceeded the policy's retryMaxAttempts */
  maxAttemptsSeen: number
  overMaxAttempts: number
}

/** What the service's own store says about the run's jobs (read after it stopped). */
export async function checkJobs(store: Store, maxAttempts: number): Promise<JobCheck> {
  const jobs = await store.housekeeping.listJobs()
  const count = (status: string) => jobs.filter((j) => j.status === status).length
  return {
    jobs: jobs.length,
    pending: count('pending'),
    done: count('done'),
    dead: count('dead'),
    retriedJobs: jobs.filter((j) => j.attempts > 1).length,
    maxAttemptsSeen: jobs.reduce((max, j) => Math.max(max, j.attempts), 0),
    overMaxAttempts: jobs.filter((j) => j.attempts > maxAttempts).length,
  }
}

export interface LastWordCheck {
  /** contacts whose `subscribed` some stored event decided */
  lastWordChecked: number
  /** of them, those whose final tags disagree with their latest-accepted event (DESIGN.md invariant 11) */
  lastWordWrong: number
  lastWordWrongContacts: string[]
}

/**
 * The last word: for each contact, the stored event accepted last (the highest job
 * sequence; acknowledged or not, since a kill can land after the commit and before the
 * 202) opted it in or out, and its final tags must say the same, whatever was redelivered
 * or retried in between. Read after the service stopped, when every job is done.
 */
export async function checkLastWord(
  store: Store,
  view: Pick<TagView, 'getContact'>,
  contacts: readonly { id: string; email: string }[],
): Promise<LastWordCheck> {
  const byEmail = new Map(contacts.map((c) => [c.email.toLowerCase(), c.id]))
  const last = new Map<string, { seq: number; subscribed: boolean }>()
  for (const job of await store.housekeeping.listJobs()) {
    const id = job.contact.id ?? byEmail.get(job.contact.email?.toLowerCase() ?? '')
    const says = job.add.includes('subscribed') ? true : job.remove.includes('subscribed') ? false : undefined
    if (id === undefined || says === undefined || job.status !== 'done') continue
    if ((last.get(id)?.seq ?? -1) < job.seq) last.set(id, { seq: job.seq, subscribed: says })
  }
  const wrong = [...last].filter(([id, l]) => (view.getContact(id)?.tags ?? []).includes('subscribed') !== l.subscribed)
  return {
    lastWordChecked: last.size,
    lastWordWrong: wrong.length,
    lastWordWrongContacts: wrong.slice(0, 20).map(([id]) => id),
  }
}
