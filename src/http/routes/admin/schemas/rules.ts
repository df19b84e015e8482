import { z } from 'zod'
import { anyObject, errors, isoTime, json, named, noParameters, strings } from './common.js'

/** GET /admin/rules */
export const listRules = {
  operationId: 'listRules',
  summary: 'The rules in force, each with how many events it matched since this process started',
  querystring: noParameters,
  response: {
    200: json(
      z.object({
        version: z.string(),
        matchesSince: isoTime,
        sources: strings,
        rules: z.array(
          z.object({
            name: z.string(),
            source: z.string(),
            when: z.unknown().describe('the condition as written, or null'),
            tags: z.unknown().meta({ type: 'array', description: 'the tags as written (text or templates)' }),
            untag: z.unknown().meta({ type: 'array' }),
            location: z.string().nullable(),
            stop: z.boolean(),
            matches: z.number().int().min(0),
          }),
        ),
      }),
      'the rules',
    ),
    ...errors(401),
  },
}

const RulesTestRequest = named(
  'RulesTestRequest',
  z.strictObject({
    source: z.string().min(1),
    payload: z
      .unknown()
      .refine((p) => p !== undefined, { message: 'payload is required' })
      .describe('a sample body as the sender would post it'),
    headers: z.record(z.string(), z.union([z.string(), strings])).optional(),
    query: z.record(z.string(), z.unknown()).optional(),
  }),
)

const RulesTestResult = named(
  'RulesTestResult',
  z.object({
    rulesVersion: z.string(),
    source: z.string(),
    tags: strings,
    intents: z.array(anyObject).describe('each an Intent'),
    unmatched: z.array(anyObject),
    ignored: z.array(anyObject).describe('identifiers in the sample a matching rule could not use, with why'),
    jobs: z.array(anyObject).describe('the jobs as the 202 answer lists them'),
    trace: z.array(anyObject),
    explanation: z.string(),
  }),
)

/** POST /admin/rules/test */
export const testRules = {
  operationId: 'testRules',
  summary: 'Evaluate the running rules on a sample payload (stores and delivers nothing)',
  body: RulesTestRequest,
  response: { 200: json(RulesTestResult, 'the evaluation'), ...errors(400, 401, 403, 404) },
}

/** GET /admin/suggestions */
export const getSuggestions = {
  operationId: 'getSuggestions',
  summary: 'The names filters can take: sources, locations (capped), rules with their source, static tags',
  querystring: noParameters,
  response: {
    200: json(
      z.object({
        sources: strings,
        locations: strings,
        locationCount: z.number().int().describe('how many locations exist (the list is capped at 2,000)'),
        rules: z.array(z.object({ name: z.string(), source: z.string() })),
        tags: strings.describe('tags the rules write as plain text (templates left out)'),
      }),
      'the names',
    ),
    ...errors(401),
  },
}
