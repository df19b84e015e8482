import { z } from 'zod'

// Loose objects: HighLevel adds fields freely, and we only rely on the few named here.
export const contactSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string().nullish(),
  locationId: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
})
export type HighLevelContact = z.infer<typeof contactSchema>

export const addTagsResponseSchema = z.looseObject({
  tags: z.array(z.string()),
})

export const duplicateSearchResponseSchema = z.looseObject({
  contact: contactSchema.nullable(),
})

// 422 answers carry a list of messages; the others a single string.
export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
  error: z.string().optional(),
})
export type HighLevelErrorBody = z.infer<typeof errorBodySchema>
