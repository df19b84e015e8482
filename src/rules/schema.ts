import { z } from 'zod'
import { pathProblem } from './path.js'
import { regexProblem } from './regex.js'
import { invisibleCharacter } from './invisible.js'
import { templateProblem } from './template.js'
import { isIsoDate } from './values.js'

export const fieldPath = z
  .string()
  .min(1, 'a field path must not be empty')
  .superRefine((p, ctx) => {
    const problem = pathProblem(p)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/** A path that must name one value (contacts, create fields): no `[*]`. */
const singlePath = fieldPath.refine((p) => !p.includes('[*]'), {
  message: '[*] is not allowed here: this path must name one value',
})

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const text = z.union([z.string(), z.number()])
const bound = z.union([
  z.number(),
  z
    .string()
    .refine(isIsoDate, { message: 'expected a number or an ISO date such as "2026-01-31" or "2026-01-31T09:00:00Z"' }),
])

export const OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'matches',
  'exists',
  'empty',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
] as const
export type Operator = (typeof OPERATORS)[number]

const leafCondition = z
  .strictObject({
    field: fieldPath,
    case_sensitive: z.boolean().optional(),
    equals: scalar.optional(),
    not_equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    not_in: z.array(scalar).min(1).optional(),
    contains: text.optional(),
    starts_with: text.optional(),
    ends_with: text.optional(),
    matches: z
      .string()
      .min(1)
      .superRefine((re, ctx) => {
        const problem = regexProblem(re)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      })
      .optional(),
    exists: z.boolean().optional(),
    empty: z.boolean().optional(),
    gt: bound.optional(),
    gte: bound.optional(),
    lt: bound.optional(),
    lte: bound.optional(),
    between: z
      .tuple([bound, bound])
      .refine(([a, b]) => typeof a === typeof b, { message: 'between needs two numbers or two dates' })
      .refine(
        ([a, b]) =>
          (typeof a === 'number' ? a : Date.parse(a as string)) <=
          (typeof b === 'number' ? b : Date.parse(b as string)),
        {
          message: 'between needs [low, high] with low <= high',
        },
      )
      .optional(),
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

/**
 * Fields HighLevel's `POST /contacts/upsert` accepts for a new contact. `email` and `phone`
 * come from the contact itself; `tags` is deliberately absent: through upsert it would
 * overwrite the contact's tags. The one list: the HighLevel client's upsert check
 * (highlevel/contact-fields.ts) allows these and the few fields rules never set.
 */
export const CREATE_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'dateOfBirth',
  'source',
  'gender',
] as const

const createSchema = z.strictObject(
  Object.fromEntries(CREATE_FIELDS.map((f) => [f, singlePath.optional()])) as Record<
    (typeof CREATE_FIELDS)[number],
    z.ZodOptional<typeof singlePath>
  >,
)

const contactSchema = z
  .strictObject({
    id: singlePath.optional(),
    email: singlePath.optional(),
    phone: singlePath.optional(),
    create: createSchema.optional(),
  })
  .refine((c) => c.id !== undefined || c.email !== undefined || c.phone !== undefined, {
    message: 'contact needs an id, an email or a phone path',
  })

export const MAX_TAG_LENGTH = 100

/** A literal tag or a `{{ path | filter }}` template; literals are length-checked here, at load. */
const tag = z.string().superRefine((t, ctx) => {
  const problem = templateProblem(t)
  const invisible = invisibleCharacter(t)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
  else if (invisible)
    ctx.addIssue({
      code: 'custom',
      message: `a tag must not contain control or format characters (found ${invisible}); HighLevel would show it as is or not at all`,
    })
  else if (!t.includes('{{')) {
    const n = t.trim().replace(/\s+/g, ' ').length
    if (n === 0) ctx.addIssue({ code: 'custom', message: 'a tag must not be empty' })
    if (n > MAX_TAG_LENGTH)
      ctx.addIssue({ code: 'custom', message: `a tag is at most ${MAX_TAG_LENGTH} characters (this one has ${n})` })
  }
})

export const ruleSchema = z
  .strictObject({
    name: z.string().min(1).describe('unique across every rules file; shown in explanations and metrics'),
    source: z.string().min(1).describe('the source (a key under sources) whose events this rule reads'),
    when: conditionSchema
      .optional()
      .describe('a condition: { field, <operator> }, or all / any / not of conditions; absent: every event'),
    contact: contactSchema.optional().describe('field paths to the contact: id, email or phone (and create fields)'),
    tags: z.array(tag).min(1).optional().describe('tags to add: literals or {{ path | filter }} templates'),
    untag: z.array(tag).min(1).optional().describe('tags to remove'),
    stop: z.boolean().optional().describe('when this rule matches, later rules are not evaluated'),
    location: z.string().min(1).optional().describe("a location other than the source's"),
  })
  .refine((r) => r.tags !== undefined || r.untag !== undefined || r.stop === true, {
    message: 'a rule needs tags, untag or stop: true',
  })
  .refine((r) => (r.tags === undefined && r.untag === undefined) || r.contact !== undefined, {
    message: 'a rule with tags or untag needs a contact',
    path: ['contact'],
  })

export type Rule = z.output<typeof ruleSchema>
export type ContactPaths = NonNullable<Rule['contact']>
