import { z } from 'zod'
import { conditionSchema, ruleSchema } from '../rules/index.js'
import { configSchema } from './schema.js'

/** What a standalone rules file (`rulesFrom`) holds: a list of rules, or a mapping with a `rules:` list. */
const rulesFileSchema = z
  .union([z.array(ruleSchema), z.strictObject({ rules: z.array(ruleSchema) })])
  .describe('a tagrelay rules file (rulesFrom): a list of rules, or a mapping with a rules: list')

/**
 * The config's JSON Schema, from the same zod schema that validates it, for editors
 * (`# yaml-language-server: $schema=...`). `io: 'input'` describes what a user writes:
 * keys with defaults are optional. Refinements (paths, regular expressions, templates)
 * cannot be expressed in JSON Schema; `tagrelay check` still catches them.
 *
 * A rule is one `$defs.rule` entry (the recursive condition `$defs.condition`) shared by
 * the config's `rules` and by `$defs.rulesFile`, the schema for a standalone rules file:
 * point an editor at `<schema>#/$defs/rulesFile`. The ids live in zod's global registry,
 * which also holds the `.describe()` texts the output carries.
 */
export function configJsonSchema(): Record<string, unknown> {
  for (const [schema, id] of [
    [ruleSchema, 'rule'],
    [conditionSchema, 'condition'],
  ] as const) {
    if (z.globalRegistry.get(schema)?.id === undefined)
      z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id })
  }
  const options = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const
  const config = z.toJSONSchema(configSchema, options) as Record<string, unknown> & {
    $defs?: Record<string, unknown>
  }
  const { $defs: ruleDefs, ...rulesFile } = z.toJSONSchema(rulesFileSchema, options) as Record<string, unknown> & {
    $defs?: Record<string, unknown>
  }
  delete rulesFile.$schema
  return {
    ...config,
    title: 'tagrelay configuration',
    $defs: { ...config.$defs, ...ruleDefs, rulesFile },
  }
}
