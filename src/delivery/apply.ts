import type { LocationAuth } from '../highlevel/index.js'
import { budgeted } from './call.js'
import { fencedChange } from './fence.js'
import type { EngineContext } from './context.js'
import { failureFrom, isAbort, isBulkRefusal } from './failure.js'
import { planCalls, type PlannedCall } from './plan.js'
import { readBeforeWrite } from './in-doubt.js'
import { TaskPool } from './pool.js'
import type { ContactWork } from './work.js'

/**
 * Coalesces each contact's jobs (accept order), drops what the tag fence says a later
 * event already decided (fence.ts), and sends the planned add and remove calls.
 *
 * `onDone` is called for a contact as soon as its last call succeeded, so the round can
 * record its jobs done then rather than when the whole round ends. Why: a round under the
 * rate budget can take seconds, and a process killed in it sent again, after the restart,
 * every call it had already made; recorded as they finish, only the calls in flight at
 * the kill are sent twice (the crash harness's duplicate writes, issue 24).
 */
export async function applyTags(
  ctx: EngineContext,
  auth: LocationAuth,
  location: string,
  work: Map<string, ContactWork>,
  pool: TaskPool,
  onDone?: (w: ContactWork) => void,
): Promise<void> {
  const fence = work.size === 0 ? new Map() : await ctx.store.jobs.loadFence(location, [...work.keys()])
  for (const w of work.values()) {
    const { add, remove, decided, superseded } = fencedChange(w.jobs, fence.get(w.contactId))
    Object.assign(w, { add, remove, decided, superseded })
  }
  await readBeforeWrite(ctx, auth, work.values(), new TaskPool(ctx.inFlightPerLocation))
  const bulk = !ctx.bulkRefused.has(auth.locationId)
  const calls = new Map<string, number>() // per contact: calls planned and not finished
  const settle = (call: PlannedCall): void => {
    for (const id of call.contactIds) {
      const left = (calls.get(id) ?? 1) - 1
      calls.set(id, left)
      const w = work.get(id) as ContactWork
      if (left === 0 && w.failure === undefined && !w.cut) onDone?.(w)
    }
  }
  const push = (call: PlannedCall): void => {
    for (const id of call.contactIds) calls.set(id, (calls.get(id) ?? 0) + 1)
    pool.push(() => runCall(ctx, auth, call, work, push).finally(() => settle(call)))
  }
  for (const action of ['add', 'remove'] as const) {
    // a contact whose read was cut short by shutdown sends nothing: its jobs go back with the lease
    const wants = new Map([...work.values()].filter((w) => !w.cut).map((w) => [w.contactId, w[action]]))
    for (const call of planCalls(action, wants, ctx.bulkSize, bulk)) push(call)
  }
  await pool.run()
}

async function runCall(
  ctx: EngineContext,
  auth: LocationAuth,
  call: PlannedCall,
  work: Map<string, ContactWork>,
  push: (call: PlannedCall) => void,
): Promise<void> {
  const contacts = call.contactIds.map((id) => work.get(id) as ContactWork)
  try {
    if (call.contactIds.length === 1) {
      const c = contacts[0] as ContactWork
      await budgeted(
        ctx,
        auth,
        () =>
          call.action === 'add'
            ? ctx.client.addTags(auth, c.contactId, call.tags)
            : ctx.client.removeTags(auth, c.contactId, call.tags),
        { name: call.action === 'add' ? 'add_tags' : 'remove_tags', jobs: () => c.jobs },
      )
      c.via.add('single')
      return
    }
    const answer = await budgeted(ctx, auth, () => ctx.client.bulkTags(auth, call.action, call.contactIds, call.tags), {
      name: `bulk_${call.action}_tags`,
      jobs: () => contacts.flatMap((c) => c.jobs),
    })
    const failed = new Set([
      ...answer.missing,
      ...answer.results.filter((r) => !r.ok && r.contactId !== null).map((r) => r.contactId as string),
    ])
    for (const c of contacts) {
      if (failed.has(c.contactId)) push({ ...call, contactIds: [c.contactId] })
      else c.via.add('bulk')
    }
  } catch (err) {
    if (isAbort(err)) {
      for (const c of contacts) c.cut = true
      return
    }
    if (call.contactIds.length > 1 && isBulkRefusal(err)) {
      if (!ctx.bulkRefused.has(auth.locationId))
        ctx.logger.warn(
          { locationId: auth.locationId, status: (err as { status?: unknown }).status },
          'bulk tag endpoint refused; this location uses single calls from now on',
        )
      ctx.bulkRefused.add(auth.locationId)
      for (const c of contacts) push({ ...call, contactIds: [c.contactId] })
      return
    }
    const failure = failureFrom(err)
    for (const c of contacts) c.failure ??= failure
  }
}
