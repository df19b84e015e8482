import { codes, TagrelayError } from '../errors.js'

export class RefusedNotFoundError extends TagrelayError {
  constructor(id: string) {
    super(codes.TAGRELAY_REFUSED_NOT_FOUND, `no refused request ${id} is kept (never refused, or trimmed since)`)
  }
}

export class RefusedAlreadyAcceptedError extends TagrelayError {
  constructor(id: string) {
    super(
      codes.TAGRELAY_REFUSED_ALREADY_ACCEPTED,
      `refused request ${id} was already accepted: see /admin/events/${id}`,
    )
  }
}

/** A re-verify that failed again: the stored request still does not verify (or parse). */
export class StillRefusedError extends TagrelayError {
  readonly refusal: string
  constructor(id: string, refusal: string, message: string) {
    super(codes.TAGRELAY_STILL_REFUSED, `refused request ${id} is still refused (${refusal}): ${message}`)
    this.refusal = refusal
  }
}
