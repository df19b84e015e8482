import { z } from 'zod'
import { byteSize } from '../common/schema.js'

/** `refused:` requests refused for a signature or token, kept per source for a second look. */
export const refusedSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** requests kept per source; the oldest go first */
  maxPerSource: z.number().int().min(1).max(100_000).default(1000),
  /** body bytes kept per source, all requests together */
  maxBytesPerSource: byteSize.default(10 * 1024 * 1024),
  /** a kept request is dropped this long after it came */
  maxAgeHours: z.number().positive().default(168),
})

export type RefusedConfig = z.output<typeof refusedSchema>
