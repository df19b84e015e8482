import { HighLevelError, type HighLevelClient, type LocationAuth } from '../highlevel/index.js'
import type { Job } from '../store/index.js'
import { resolveContact, type ResolveClient } from './resolve.js'

export type DeliveryClient = ResolveClient & Pick<HighLevelClient, 'addTags' | 'removeTags'>

export type DeliveryOutcome =
  | { ok: true; contactId: string; statusCode: number; response: unknown }
  | { ok: false; retryable: boolean; error: string; code: string; statusCode: number | null; response: unknown; retryAfterMs: number | null; contactId: string | null }

/**
 * Applies one job: resolve the contact, add its tags, remove its untags. Rules merge the
 * intents of one event per contact so that a tag is never both added and removed; a retry
 * after a partial success repeats harmless calls (adding a present tag is a no-op).
 * Never throws: every failure becomes an outcome with a retry decision.
 */
export async function deliverJob(job: Job, auth: LocationAuth | undefined, client: DeliveryClient): Promise<DeliveryOutcome> {
  if (!auth) return permanent('TAGRELAY_UNKNOWN_LOCATION', `location "${job.location}" is not configured any more`)
  let contactId: string | null = job.contactId ?? job.contact.id ?? null
  try {
    const resolved = await resolveContact(job, auth, client)
    if ('missing' in resolved) return permanent('TAGRELAY_CONTACT_NOT_FOUND', resolved.missing)
    contactId = resolved.contactId
    const response: Record<string, unknown> = {}
    if (resolved.created) response.created = true
    if (job.add.length > 0) response.added = await client.addTags(auth, contactId, job.add)
    if (job.remove.length > 0) response.removed = await client.removeTags(auth, contactId, job.remove)
    return { ok: true, contactId, statusCode: job.add.length > 0 ? 201 : 200, response }
  } catch (err) {
    if (err instanceof HighLevelError) {
      return {
        ok: false,
        retryable: err.retryable,
        error: err.message,
        code: err.code,
        statusCode: err.status,
        response: err.responseBody ?? null,
        retryAfterMs: 'retryAfterMs' in err ? (err.retryAfterMs as number | null) : null,
        contactId,
      }
    }
    // A bug of ours, not HighLevel's answer: keep the job and retry rather than lose it.
    return { ok: false, retryable: true, error: String(err), code: 'TAGRELAY_INTERNAL', statusCode: null, response: null, retryAfterMs: null, contactId }
  }
}

function permanent(code: string, error: string): Extract<DeliveryOutcome, { ok: false }> {
  return { ok: false, retryable: false, error, code, statusCode: null, response: null, retryAfterMs: null, contactId: null }
}
