import { TagrelayError } from '../errors.js'

export class RefusedNotFoundError extends TagrelayError {
  constructor(id: string) {
    super('TAGRELAY_REFUSED_NOT_FOUND', `no refused request ${id} is kept (never refused, or trimmed since)`, 404)
  }
}

export class RefusedAlreadyAcceptedError extends TagrelayError {
  constructor(id: string) {
    super(
      'TAGRELAY_REFUSED_ALREADY_ACCEPTED',
      `refused request ${id} was already accepted: see /admin/events/${id}`,
      409,
    )
  }
}

/** A re-verify that failed again: the stored request still does not verify (or parse). */
export class StillRefusedError extends TagrelayError {
  readonly refusal: string
  constructor(id: string, refusal: string, message: string) {
    super('TAGRELAY_STILL_REFUSED', `refused request ${id} is still refused (${refusal}): ${message}`, 422)
    this.refusal = refusal
  }
}
