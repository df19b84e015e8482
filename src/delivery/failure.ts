import { codes } from '../errors.js'
import { HighLevelError, HighLevelRateLimitedError } from '../highlevel/index.js'
import { CircuitOpenError } from './circuit.js'

export const CIRCUIT_OPEN = codes.TAGRELAY_CIRCUIT_OPEN

/** Why a job was not delivered this time, and whether trying later can help. */
export interface Failure {
  retryable: boolean
  code: string
  error: string
  statusCode: number | null
  /** HighLevel's answer, kept in the attempt (the dead letter shows it) */
  response: unknown
  retryAfterMs: number | null
}

export function failureFrom(err: unknown): Failure {
  if (err instanceof HighLevelError) {
    return {
      ...failure(err.retryable, err.code, err.message, err.responseBody ?? null),
      statusCode: err.status,
      retryAfterMs: err instanceof HighLevelRateLimitedError ? err.retryAfterMs : null,
    }
  }
  if (err instanceof CircuitOpenError) return retryLater(CIRCUIT_OPEN, err.message)
  // A bug of ours, not HighLevel's answer: keep the job and retry rather than lose it.
  return retryLater(codes.TAGRELAY_INTERNAL, String(err))
}

/** A failure without an HTTP status or a wait HighLevel asked for. */
function failure(retryable: boolean, code: string, error: string, response: unknown = null): Failure {
  return { retryable, code, error, statusCode: null, response, retryAfterMs: null }
}

/** Retried with the usual backoff. */
export function retryLater(code: string, error: string): Failure {
  return failure(true, code, error)
}

export function permanentFailure(code: string, error: string, response: unknown = null): Failure {
  return failure(false, code, error, response)
}

/** The bulk endpoint itself was refused (not a contact's problem): fall back to single calls. */
export function isBulkRefusal(err: unknown): boolean {
  return err instanceof HighLevelError && (err.status === 401 || err.status === 403 || err.status === 404)
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError'
}

/**
 * HighLevel says the contact id does not exist (deleted or merged there): "Contact with id
 * ... not found" on a tag call, "contact not found"/"contact is deleted" in a bulk entry.
 */
export function isStaleContact(failure: Failure): boolean {
  return failure.statusCode === 400 && /not found|is deleted/i.test(failure.error)
}
