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
  for (const id of contactIds) for (const n of Object.values(view.repeatedTagAdds(id))) duplicatesApplied += n
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
  const jobs = await store.listJobs()
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
