import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

/**
 * HighLevel's official OpenAPI files, compiled with ajv, to check traffic against.
 * The spec is vendored in `spec/highlevel/openapi` (CC0, unchanged);
 * TAGRELAY_HIGHLEVEL_OPENAPI_DIR points at another copy.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const SPEC_DIR = process.env.TAGRELAY_HIGHLEVEL_OPENAPI_DIR ?? join(repoRoot, 'spec/highlevel/openapi')

const BASE = 'https://spec.invalid/'
const DOCS = ['apps/contacts.json', 'apps/oauth.json'] as const

type Json = Record<string, unknown>
interface Operation {
  method: string
  template: string
  pattern: RegExp
  op: Json
  doc: string
  docPath: string
}

/**
 * Errata: where the spec contradicts itself, HighLevel's behaviour (as its own example
 * shows) wins, and the patch is named here. UpdateTagsResponseDTO types `responses` as
 * strings, yet its example (and FACTS.md) answer one object per contact.
 */
function applyErrata(file: string, doc: Json): void {
  if (file !== 'apps/contacts.json') return
  const schemas = (doc.components as Json).schemas as Json
  const bulk = schemas.UpdateTagsResponseDTO as { properties: { responses: Json } }
  bulk.properties.responses.items = {
    type: 'object',
    required: ['contactId', 'type'],
    properties: {
      contactId: { type: 'string' },
      type: { type: 'string', enum: ['success', 'error'] },
      message: { type: 'string' },
    },
  }
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

export class OpenApiContract {
  readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  readonly operations: Operation[] = []
  readonly #compiled = new Map<string, ValidateFunction>()
  readonly #docs = new Map<string, Json>()

  constructor(dir = SPEC_DIR) {
    addFormats.default(this.ajv)
    const common = JSON.parse(readFileSync(join(dir, 'common/common-schemas.json'), 'utf8')) as Json
    this.ajv.addSchema(common, `${BASE}common/common-schemas.json`)
    this.#docs.set('common/common-schemas.json', common)
    for (const file of DOCS) {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json
      applyErrata(file, doc)
      this.ajv.addSchema(doc, BASE + file)
      this.#docs.set(file, doc)
      for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
        for (const [method, op] of Object.entries(item)) {
          const literal = template
            .replace(/\/$/, '')
            .split(/\{[^}]+\}/)
            .map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          this.operations.push({
            method: method.toUpperCase(),
            template,
            pattern: new RegExp(`^${literal.join('([^/]+)')}/?$`),
            op: op as Json,
            doc: file,
            docPath: `#/paths/${escapePointer(template)}/${method}`,
          })
        }
      }
    }
    // Literal segments beat parameters: /contacts/search/duplicate before /contacts/{contactId}.
    this.operations.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))
  }

  find(method: string, pathname: string): Operation | undefined {
    return this.operations.find((o) => o.method === method && o.pattern.test(pathname))
  }

  /** Validates `value` against the schema at `pointer` (a JSON pointer inside the operation). */
  check(operation: Operation, pointer: string, value: unknown): string[] {
    const ref = `${BASE}${operation.doc}${operation.docPath}/${pointer}`
    let validate = this.#compiled.get(ref)
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: ref })
      this.#compiled.set(ref, validate)
    }
    if (validate(value)) return []
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    )
  }

  /**
   * Top-level property names the schema at `pointer` documents (following $refs), or null
   * when it does not list any. HighLevel's validation whitelists: any other field is a 422.
   */
  documentedProperties(operation: Operation, pointer: string): string[] | null {
    let file = operation.doc
    let node = this.#at(file, `${operation.docPath}/${pointer}`)
    while (typeof node?.$ref === 'string') {
      const [target = '', fragment = ''] = node.$ref.split('#')
      if (target !== '') file = join(dirname(file), target)
      node = this.#at(file, `#${fragment}`)
    }
    const props = node?.properties
    return props !== null && typeof props === 'object' ? Object.keys(props) : null
  }

  #at(file: string, pointer: string): Json | undefined {
    let node: unknown = this.#docs.get(file)
    for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
      node = node !== null && typeof node === 'object' ? (node as Json)[key] : undefined
    }
    return node as Json | undefined
  }
}

export { escapePointer }
