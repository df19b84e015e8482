import { deliverySchema } from '../../src/config/index.js'

/** The config's `delivery:` section as an empty one gives it: every default, from the schema (nowhere else). */
export const deliveryDefaults = () => deliverySchema.parse({})

/** Milliseconds as the hours the config counts in (a test's short windows). */
export const hours = (ms: number): number => ms / 3_600_000
