import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Large webhook bodies are read a few at a time; small ones never wait.
 *
 * Why: a body must be read whole and its signature checked before anything knows whether
 * its sender is genuine, and reading megabytes is event-loop work (the socket's chunks,
 * joining them, hashing them). A flood of large bodies with bad signatures at concurrency
 * 20 kept the loop busy with 20 of them at every turn, and a valid 1 KB webhook queued
 * behind all of them (issue 29, finding 1: its p99 went from 21 to 172 ms). With at most
 * `atOnce` large bodies being read, each turn of the loop holds only their chunks, so a
 * small request is served within a few turns; the other large ones wait with their socket
 * paused (TCP backpressure: the sender blocks, nothing is buffered here), each bounded by
 * `server.requestTimeoutMs` like any slow request.
 *
 * "Large" is a `Content-Length` above `overBytes`, or none at all (a chunked body's size
 * is unknown until it has been read). Webhooks are a few kilobytes; the default threshold
 * of 64 KiB leaves them all on the fast path.
 */
export class BodyGate {
  readonly #atOnce: number
  readonly #overBytes: number
  #reading = 0
  readonly #waiting: (() => void)[] = []

  constructor(opts: { overBytes: number; atOnce: number }) {
    this.#overBytes = opts.overBytes
    this.#atOnce = opts.atOnce
  }

  isLarge(request: FastifyRequest): boolean {
    const length = request.headers['content-length']
    if (length === undefined) return request.headers['transfer-encoding'] !== undefined
    const n = Number(length)
    return !Number.isFinite(n) || n > this.#overBytes
  }

  /** Waits for a reading slot when the request's body is large; the slot is freed when its answer ends. */
  async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!this.isLarge(request)) return
    if (this.#reading >= this.#atOnce) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#reading++
    let freed = false
    const free = (): void => {
      if (freed) return
      freed = true
      this.#reading--
      this.#waiting.shift()?.()
    }
    // 'close' comes when the answer is sent or the connection is gone, whichever first
    reply.raw.once('close', free)
    if (reply.raw.destroyed || request.raw.destroyed) free()
  }

  /** Large bodies being read now and waiting for a slot (tests, status). */
  get load(): { reading: number; waiting: number } {
    return { reading: this.#reading, waiting: this.#waiting.length }
  }
}
