import { codes, TagrelayError } from '../errors.js'
import type { AttemptRecord, Job, Store } from '../store/index.js'

export class DeadLetterNotFoundError extends TagrelayError {
  constructor(id: number) {
    super(
      codes.TAGRELAY_DEAD_LETTER_NOT_FOUND,
      `job ${id} is not a dead letter (unknown, delivered, pending, or discarded)`,
    )
  }
}

export interface DeadLetterSummary {
  id: number
  eventId: string
  location: string
  contact: Job['contact']
  add: string[]
  remove: string[]
  rules: string[]
  attempts: number
  lastError: string | null
  /** epoch ms of the failed attempt that made it dead */
  deadSince: number
}

export interface DeadLetterDetail extends DeadLetterSummary {
  contactId: string | null
  /** every attempt, HighLevel's answers kept */
  history: AttemptRecord[]
  /** the original event, as stored (body and explain trace included) */
  event: { id: string; source: string; receivedAt: number; tags: string[] } | null
}

const summary = (job: Job): DeadLetterSummary => ({
  id: job.id,
  eventId: job.eventId,
  location: job.location,
  contact: job.contact,
  add: job.add,
  remove: job.remove,
  rules: job.rules,
  attempts: job.attempts,
  lastError: job.lastError,
  deadSince: job.runAt,
})

/** The dead-letter operations the admin API and `tagrelay replay` share. */
export async function listDeadLetters(
  store: Pick<Store, 'deadLetters'>,
  filter: { limit?: number; afterId?: number; location?: string; locations?: readonly string[] } = {},
): Promise<DeadLetterSummary[]> {
  return (await store.deadLetters.list(filter)).map(summary)
}

export async function inspectDeadLetter(
  store: Pick<Store, 'deadLetters' | 'trail'>,
  id: number,
): Promise<DeadLetterDetail> {
  const found = await store.deadLetters.get(id)
  if (!found) throw new DeadLetterNotFoundError(id)
  const event = await store.trail.getEvent(found.job.eventId)
  const last = found.attempts.at(-1)
  return {
    ...summary(found.job),
    deadSince: last?.finishedAt ?? found.job.runAt,
    contactId: found.job.contactId,
    history: found.attempts,
    event: event ? { id: event.id, source: event.source, receivedAt: event.receivedAt, tags: event.tags } : null,
  }
}

/** Puts dead letters back in the queue, due now, with a fresh retry schedule. */
export async function replayDeadLetters(
  store: Pick<Store, 'deadLetters'>,
  which: number[] | 'all',
  now = Date.now(),
): Promise<number[]> {
  const replayed = await store.deadLetters.replay(which, now)
  if (which !== 'all' && which.length === 1 && replayed.length === 0)
    throw new DeadLetterNotFoundError(which[0] as number)
  return replayed
}

export async function discardDeadLetter(store: Pick<Store, 'deadLetters'>, id: number): Promise<void> {
  if ((await store.deadLetters.discard([id])) === 0) throw new DeadLetterNotFoundError(id)
}
