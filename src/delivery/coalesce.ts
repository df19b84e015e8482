/** What one contact should end up with after a run of intents: tags to add, tags to remove. */
export interface NetChange {
  add: string[]
  remove: string[]
}

/**
 * Folds a contact's intents, oldest first, into one change. The last word on a tag
 * wins: add then remove is a remove, remove then add is an add. Replaying the intents
 * one by one would leave the same tags, with one call instead of one per intent.
 * HighLevel compares tags case-insensitively (it stores them lowercased), so do we.
 */
export function coalesce(intents: readonly { add: readonly string[]; remove: readonly string[] }[]): NetChange {
  const last = new Map<string, { tag: string; op: 'add' | 'remove' }>()
  for (const intent of intents) {
    // Within one intent rules never add and remove the same tag; removes go last, as the single-job path did.
    for (const tag of intent.add) setLast(last, tag, 'add')
    for (const tag of intent.remove) setLast(last, tag, 'remove')
  }
  const add: string[] = []
  const remove: string[] = []
  for (const { tag, op } of last.values()) (op === 'add' ? add : remove).push(tag)
  return { add, remove }
}

function setLast(last: Map<string, { tag: string; op: 'add' | 'remove' }>, tag: string, op: 'add' | 'remove'): void {
  const key = tag.toLowerCase()
  last.delete(key) // re-insert so the map keeps the order of last mention
  last.set(key, { tag, op })
}
