import type { Job, TagFence } from '../store/index.js'
import type { NetChange } from './coalesce.js'

/** A tag an intent asked for that a later-accepted event had already decided: not sent. */
export interface Superseded {
  tag: string
  /** the event whose intent decided the tag */
  byEvent: string
}

export interface FencedChange extends NetChange {
  /** for each tag to send (lowercased): the intent that decides it, for the fence */
  decided: Map<string, TagFence>
  superseded: Superseded[]
}

/**
 * A contact's net change for this round, with the store's tag fence applied. The jobs
 * fold in accept order (`seq`, then id), the last word on each tag winning, as
 * `coalesce` does; then a tag whose fence holds a later accept sequence than the intent
 * that won here is dropped: something accepted after this intent was already applied on
 * that tag, and sending it now would undo the later word.
 *
 * Why at apply time as well as ordered claims: ordering keeps a person's jobs from
 * overtaking each other while they wait in the queue, but an older intent can come back
 * through paths ordering does not see: a call HighLevel applied for a process killed
 * before it recorded the answer (its job is claimed again later), a replayed dead letter,
 * a re-run of an old event. The fence answers all of them with one comparison. Equal
 * sequences are the same intent again (an at-least-once redelivery) and are sent.
 */
export function fencedChange(jobs: readonly Job[], fence: ReadonlyMap<string, TagFence> | undefined): FencedChange {
  const last = new Map<string, { tag: string; op: 'add' | 'remove'; by: TagFence }>()
  const ordered = [...jobs].sort((a, b) => a.seq - b.seq || a.id - b.id)
  for (const job of ordered) {
    const by = { seq: job.seq, eventId: job.eventId }
    // within one intent rules never add and remove the same tag; removes go last, as coalesce does
    for (const [op, tags] of [
      ['add', job.add],
      ['remove', job.remove],
    ] as const)
      for (const tag of tags) {
        const key = tag.toLowerCase()
        last.delete(key) // re-insert: the map keeps the order of last mention
        last.set(key, { tag, op, by })
      }
  }
  const out: FencedChange = { add: [], remove: [], decided: new Map(), superseded: [] }
  for (const [key, { tag, op, by }] of last) {
    const newer = fence?.get(key)
    if (newer !== undefined && newer.seq > by.seq) {
      out.superseded.push({ tag, byEvent: newer.eventId })
      continue
    }
    out[op].push(tag)
    out.decided.set(key, by)
  }
  return out
}
