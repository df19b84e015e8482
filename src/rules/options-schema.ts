import { isSupportedCountry, type CountryCode } from 'libphonenumber-js'
import { z } from 'zod'

/** `ruleOptions:` in the config: settings that apply to every rule. */
export const ruleOptionsSchema = z.strictObject({
  /** HighLevel lowercases tags; false keeps the case written (it may still be lowercased there) */
  lowercaseTags: z.boolean().default(true),
  /** ISO 3166 code (US, GB, DE…) for phone numbers written without +country code */
  phoneCountry: z
    .string()
    .transform((c) => c.toUpperCase())
    .refine((c) => isSupportedCountry(c), { message: 'expected a two-letter country code such as US, GB or DE' })
    .transform((c) => c as CountryCode)
    .optional(),
})

export type RuleOptionsConfig = z.output<typeof ruleOptionsSchema>
