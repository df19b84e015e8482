import { z } from 'zod'
import { isValidPath } from './path.js'

export const fieldPath = z.string().min(1).refine(isValidPath, { message: 'invalid field path' })

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const OPERATORS = ['equals', 'in', 'exists', 'contains'] as const
export type Operator = (typeof OPERATORS)[number]

const leafCondition = z
  .strictObject({
    field: fieldPath,
    equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    exists: z.boolean().optional(),
    contains: z.union([z.string(), z.number()]).optional(),
  })
  .refine((c) => OPERATORS.filter((op) => c[op] !== undefined).length === 1, {
    message: `a condition needs exactly one operator of ${OPERATORS.join(', ')}`,
  })

export type LeafCondition = z.output<typeof leafCondition>
export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition }

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    leafCondition,
  ]),
)

const contactSchema = z
  .strictObject({ id: fieldPath.optional(), email: fieldPath.optional() })
  .refine((c) => c.id !== undefined || c.email !== undefined, { message: 'contact needs an id or an email path' })

const tag = z
  .string()
  .transform((t) => t.trim().replace(/\s+/g, ' ').toLowerCase())
  .pipe(z.string().min(1, 'a tag must not be empty').max(100, 'a tag is at most 100 characters'))

export const ruleSchema = z.strictObject({
  name: z.string().min(1),
  source: z.string().min(1),
  when: conditionSchema.optional(),
  contact: contactSchema,
  tags: z.array(tag).min(1),
})

export type Rule = z.output<typeof ruleSchema>
export type ContactPaths = Rule['contact']
