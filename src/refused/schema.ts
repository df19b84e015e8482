import { z } from 'zod'
import { byteSize } from '../common/schema.js'

/** `refused:` requests refused for a signature or token, kept per source for a second look. */
export const refusedSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** requests kept per source; the oldest go first */
  maxPerSource: z.number().int().min(1).max(100_000).default(1000),
  /** bytes kept per source, all requests together: bodies, URLs, headers and queries */
  maxBytesPerSource: byteSize.default(10 * 1024 * 1024),
  /**
   * refusals kept per source and minute, sustained (a token bucket); beyond it and its
   * burst a refusal is only counted (tagrelay_refused_not_kept_total), so a flood of bad
   * signatures costs the store a bounded number of writes
   */
  keepPerMinute: z.number().positive().default(60),
  /** how many may be kept at once before keepPerMinute applies */
  keepBurst: z.number().int().min(1).default(20),
  /**
   * bytes kept per source and minute, sustained, and also the burst (a body larger than
   * this is kept only when nothing else was for a minute): a flood of megabyte bodies
   * writes about this much a minute, a rotated secret's small requests are all kept
   */
  keepBytesPerMinute: byteSize.default(2 * 1024 * 1024),
  /** a kept request is dropped this long after it came */
  maxAgeHours: z.number().positive().default(168),
})

export type RefusedConfig = z.output<typeof refusedSchema>
