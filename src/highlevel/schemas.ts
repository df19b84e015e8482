import { z } from 'zod'

// Loose objects: HighLevel adds fields freely, and we only rely on the few named here.
export const contactSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  locationId: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
})
export type HighLevelContact = z.infer<typeof contactSchema>

export const tagsResponseSchema = z.looseObject({
  tags: z.array(z.string()),
})

export const duplicateSearchResponseSchema = z.looseObject({
  contact: contactSchema.nullable(),
})

export const searchResponseSchema = z.looseObject({
  contacts: z.array(contactSchema),
  total: z.number().optional(),
})

export const getContactResponseSchema = z.looseObject({
  contact: contactSchema,
})

export const upsertResponseSchema = z.looseObject({
  new: z.boolean(),
  contact: contactSchema,
  traceId: z.string().optional(),
})

// The spec types `responses` as strings while its own example (and HighLevel) answers
// objects; accept both and make sense of each in bulk.ts.
export const bulkTagsResponseSchema = z.looseObject({
  succeded: z.boolean(),
  errorCount: z.number(),
  responses: z.array(z.unknown()),
})

export const bulkEntrySchema = z.looseObject({
  contactId: z.string().nullish(),
  type: z.string().nullish(),
  message: z.string().nullish(),
})

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  locationId: z.string().nullish(),
  userType: z.string().nullish(),
})

// 422 answers carry a list of messages; the others a single string.
export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
  error: z.string().optional(),
})
export type HighLevelErrorBody = z.infer<typeof errorBodySchema>
