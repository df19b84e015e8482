import { bulkEntrySchema } from './schemas.js'

/** One contact's outcome in a bulk tag update. */
export interface BulkContactResult {
  /** null when HighLevel's entry did not name the contact */
  contactId: string | null
  ok: boolean
  /** HighLevel's words, e.g. "contact is deleted", "contact does not belong to location" */
  message: string | null
}

export interface BulkTagsResult {
  /** HighLevel's `succeded` flag (sic) */
  succeeded: boolean
  errorCount: number
  results: BulkContactResult[]
  /** requested contacts with no entry at all in the answer: treat as not applied */
  missing: string[]
}

export function parseBulkResults(
  requested: readonly string[],
  answer: { succeded: boolean; errorCount: number; responses: unknown[] },
): BulkTagsResult {
  const results = answer.responses.map((entry): BulkContactResult => {
    if (typeof entry === 'string') return { contactId: null, ok: false, message: entry }
    const parsed = bulkEntrySchema.safeParse(entry)
    if (!parsed.success) return { contactId: null, ok: false, message: null }
    const { contactId, type, message } = parsed.data
    return { contactId: contactId ?? null, ok: type === 'success', message: message ?? null }
  })
  const named = new Set(results.map((r) => r.contactId))
  return {
    succeeded: answer.succeded,
    errorCount: answer.errorCount,
    results,
    missing: [...new Set(requested)].filter((id) => !named.has(id)),
  }
}
