/**
 * Base of every error tagrelay raises on purpose. `code` is stable and documented
 * (clients and log queries match on it); `statusCode` is what the HTTP layer answers
 * when the error reaches it.
 */
export class TagrelayError extends Error {
  readonly code: string
  readonly statusCode: number

  constructor(code: string, message: string, statusCode = 500, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
  }
}
