import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/index.js'
import { codes, TagrelayError } from '../../errors.js'

export class OverloadedError extends TagrelayError {
  constructor(
    readonly retryAfter: number,
    readonly reason: string,
  ) {
    super(codes.TAGRELAY_OVERLOADED, `tagrelay is overloaded; retry after ${retryAfter} s`)
  }
}

/**
 * Backpressure for the context it is registered in (the /hooks routes only: probes,
 * metrics and admin keep answering, so an operator can see why). Why refuse instead of
 * queueing: a lagging event loop answers late, senders time out and retry anyway, and
 * their retries pile onto the lag; a fast 503 with Retry-After sheds the load while the
 * sender keeps the event. The reason (which threshold) goes to the log, not the answer.
 */
export async function registerBackpressure(app: FastifyInstance, config: Config['overload']): Promise<void> {
  if (!config.enabled) return
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilization,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    maxRssBytes: config.maxRssBytes,
    sampleInterval: config.sampleIntervalMs,
    retryAfter: config.retryAfterSec,
    pressureHandler: async (_request, _reply, type, value) => {
      throw new OverloadedError(config.retryAfterSec, `${type}${value === undefined ? '' : ` ${String(value)}`}`)
    },
  })
}
