import { z } from 'zod'
import { configSchema } from './schema.js'

/**
 * The config's JSON Schema, from the same zod schema that validates it, for editors
 * (`# yaml-language-server: $schema=...`). `io: 'input'` describes what a user writes:
 * keys with defaults are optional. Refinements (paths, regular expressions, templates)
 * cannot be expressed in JSON Schema; `tagrelay check` still catches them.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>
  return { ...schema, title: 'tagrelay configuration' }
}
