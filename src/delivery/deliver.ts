import { HighLevelError, type HighLevelClient, type LocationAuth } from '../highlevel/index.js'
import type { Job } from '../store/index.js'

export type DeliveryClient = Pick<HighLevelClient, 'addTags' | 'findContactByEmail'>

export type DeliveryOutcome =
  | { ok: true; contactId: string; statusCode: number; response: unknown }
  | { ok: false; retryable: boolean; error: string; code: string; statusCode: number | null; response: unknown; retryAfterMs: number | null; contactId: string | null }

/** Applies one job's tags: resolve the contact, then add. Never throws. */
export async function deliverJob(job: Job, auth: LocationAuth | undefined, client: DeliveryClient): Promise<DeliveryOutcome> {
  if (!auth) return permanent('TAGRELAY_UNKNOWN_LOCATION', `location "${job.location}" is not configured any more`)
  let contactId: string | null = job.contactId ?? job.contact.id ?? null
  try {
    if (contactId === null) {
      const email = job.contact.email
      if (!email) return permanent('TAGRELAY_NO_CONTACT', 'the job names neither a contact id nor an email')
      const found = await client.findContactByEmail(auth, email)
      if (!found) {
        return permanent('TAGRELAY_CONTACT_NOT_FOUND', `no HighLevel contact with email ${email} in location ${auth.locationId}`)
      }
      contactId = found.id
    }
    const result = await client.addTags(auth, contactId, job.add)
    return { ok: true, contactId, statusCode: 201, response: result }
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

function permanent(code: string, error: string): DeliveryOutcome {
  return { ok: false, retryable: false, error, code, statusCode: null, response: null, retryAfterMs: null, contactId: null }
}
