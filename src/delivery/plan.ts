/** One HighLevel tag call: a bulk call for several contacts, or a single call for one. */
export interface PlannedCall {
  action: 'add' | 'remove'
  tags: string[]
  contactIds: string[]
}

/**
 * Groups contacts that await tags into as few calls as possible. Two groupings are
 * counted and the cheaper one wins: by identical tag set (a form that always gives the
 * same three tags: one call per 100 contacts) or tag by tag (contacts whose sets overlap,
 * e.g. a shared "lead" plus one tag each: one call per tag per 100 contacts). A group of
 * one contact is a single call. Without bulk (refused for the location) every contact is
 * a single call.
 */
export function planCalls(
  action: 'add' | 'remove',
  wants: ReadonlyMap<string, readonly string[]>,
  bulkSize: number,
  bulk: boolean,
): PlannedCall[] {
  const entries = [...wants].filter(([, tags]) => tags.length > 0)
  if (!bulk) return entries.map(([id, tags]) => ({ action, tags: [...tags], contactIds: [id] }))

  const bySet = new Map<string, { tags: string[]; ids: string[] }>()
  const byTag = new Map<string, { tags: string[]; ids: string[] }>()
  for (const [id, tags] of entries) {
    const sorted = [...tags].sort()
    const key = JSON.stringify(sorted.map((t) => t.toLowerCase()))
    const group = bySet.get(key) ?? { tags: sorted, ids: [] }
    group.ids.push(id)
    bySet.set(key, group)
    for (const tag of tags) {
      const one = byTag.get(tag.toLowerCase()) ?? { tags: [tag], ids: [] }
      one.ids.push(id)
      byTag.set(tag.toLowerCase(), one)
    }
  }
  const chunked = (groups: Iterable<{ tags: string[]; ids: string[] }>): PlannedCall[] =>
    [...groups].flatMap(({ tags, ids }) => chunk(ids, bulkSize).map((contactIds) => ({ action, tags, contactIds })))
  const setPlan = chunked(bySet.values())
  const tagPlan = chunked(byTag.values())
  return tagPlan.length < setPlan.length ? tagPlan : setPlan
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
