import { problemOf } from './problem.js'
import type { RuleEvent } from './types.js'

/**
 * Field paths address a value of an event: `a.b`, `items[0]`, `items[*].sku` (every
 * element), `answers[type=email].email` (the first element whose `type` equals `email`),
 * `answers[field.ref=interest].choice.label` (a filter on a nested key: `field.ref` is
 * `ref` inside `field`), and the roots `$headers.<name>`, `$query.<name>`, `$source`, `$location`
 * (the location the event was routed to) and `$receivedAt`.
 * They are parsed once, at load, into steps; reading a value is a loop over the steps.
 */
export type Step =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  /** `key` is the filter key's segments: `[field.ref=x]` is `['field', 'ref']` */
  | { kind: 'filter'; key: string[]; value: string }
  | { kind: 'wildcard' }

/** One value (or `undefined`) for a plain path; every value found for a path with `[*]`. */
export type PathReader = (event: RuleEvent) => unknown

export interface CompiledPath {
  /** true when the path has `[*]`: `read` then returns the array of values found */
  multi: boolean
  read: PathReader
}

const TOKEN = /([^.[\]]+)|\[(\d+)\]|\[(\*)\]|\[([^=\]]+)=([^\]]*)\]|(\.)/gy
const ROOTS = new Set(['$headers', '$query', '$source', '$location', '$receivedAt'])

export function parsePath(path: string): Step[] {
  const steps: Step[] = []
  TOKEN.lastIndex = 0
  let expectSegment = true
  while (TOKEN.lastIndex < path.length) {
    const at = TOKEN.lastIndex
    const m = TOKEN.exec(path)
    if (!m) throw new Error(`invalid field path "${path}" at character ${at + 1}`)
    if (m[6]) {
      if (expectSegment) throw new Error(`invalid field path "${path}": empty segment at character ${at + 1}`)
      expectSegment = true
      continue
    }
    if (m[1] !== undefined) {
      if (!expectSegment) throw new Error(`invalid field path "${path}": missing "." before "${m[1]}"`)
      steps.push({ kind: 'key', key: m[1] })
    } else if (m[2] !== undefined) {
      steps.push({ kind: 'index', index: Number(m[2]) })
    } else if (m[3] !== undefined) {
      steps.push({ kind: 'wildcard' })
    } else {
      const key = (m[4] as string).split('.').map((k) => k.trim())
      if (key.some((k) => k === ''))
        throw new Error(`invalid field path "${path}": empty key in a filter at character ${at + 1}`)
      steps.push({ kind: 'filter', key, value: (m[5] as string).trim() })
    }
    expectSegment = false
  }
  if (steps.length === 0 || expectSegment) throw new Error(`invalid field path "${path}"`)
  checkRoot(path, steps)
  return steps
}

function checkRoot(path: string, steps: Step[]): void {
  const first = steps[0] as Step
  if (first.kind !== 'key' || !first.key.startsWith('$')) return
  if (!ROOTS.has(first.key))
    throw new Error(`invalid field path "${path}": unknown root "${first.key}" (known: ${[...ROOTS].join(', ')})`)
  const scalarRoot = first.key === '$source' || first.key === '$location' || first.key === '$receivedAt'
  if (scalarRoot && steps.length > 1) throw new Error(`invalid field path "${path}": ${first.key} has no fields`)
  if (!scalarRoot && (steps.length !== 2 || steps[1]?.kind !== 'key')) {
    throw new Error(`invalid field path "${path}": write ${first.key}.<name>`)
  }
}

export function isValidPath(path: string): boolean {
  return pathProblem(path) === undefined
}

/** The reason a path is invalid, or undefined (for schema messages). */
export function pathProblem(path: string): string | undefined {
  return problemOf(() => parsePath(path))
}

export function compileField(path: string): CompiledPath {
  const steps = parsePath(path)
  const first = steps[0] as Step
  if (first.kind === 'key' && first.key.startsWith('$')) return { multi: false, read: compileRoot(first.key, steps[1]) }
  const multi = steps.some((s) => s.kind === 'wildcard')
  if (!multi) return { multi, read: (event) => walk(event.body, steps) }
  return {
    multi,
    read: (event) => {
      const out: unknown[] = []
      collect(event.body, steps, 0, out)
      return out
    },
  }
}

/** A reader for a path that must give one value (contacts, templates): `[*]` is refused. */
export function compilePath(path: string): PathReader {
  const field = compileField(path)
  if (field.multi) throw new Error(`field path "${path}" must name one value: [*] is not allowed here`)
  return field.read
}

function compileRoot(root: string, step: Step | undefined): PathReader {
  if (root === '$source') return (event) => event.source
  if (root === '$location') return (event) => event.location
  if (root === '$receivedAt')
    return (event) => (event.receivedAt === undefined ? undefined : new Date(event.receivedAt).toISOString())
  // header names are case-insensitive: Node gives them lowercased, so the path is too
  const name = root === '$headers' ? (step as { key: string }).key.toLowerCase() : (step as { key: string }).key
  return (event) => {
    const bag = root === '$headers' ? event.headers : event.query
    if (!bag || !Object.hasOwn(bag, name)) return undefined
    const v = bag[name]
    return Array.isArray(v) ? v[0] : v
  }
}

function walk(root: unknown, steps: Step[]): unknown {
  let node: unknown = root
  for (const step of steps) node = stepInto(node, step)
  return node
}

function collect(node: unknown, steps: Step[], from: number, out: unknown[]): void {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i] as Step
    if (step.kind === 'wildcard') {
      if (Array.isArray(node)) for (const el of node) collect(el, steps, i + 1, out)
      return
    }
    node = stepInto(node, step)
  }
  out.push(node)
}

function stepInto(node: unknown, step: Step): unknown {
  if (node === null || typeof node !== 'object') return undefined
  if (step.kind === 'key') {
    // own properties only: `__proto__` or `constructor` in a path never reach Object.prototype
    return Object.hasOwn(node, step.key) ? (node as Record<string, unknown>)[step.key] : undefined
  }
  if (!Array.isArray(node)) return undefined
  if (step.kind === 'index') return node[step.index]
  if (step.kind === 'filter') return node.find((el) => matchesFilter(el, step.key, step.value))
  return undefined
}

/** One pass over the key's segments per element: the filter stays linear in the array's size. */
function matchesFilter(el: unknown, key: readonly string[], value: string): boolean {
  let v: unknown = el
  for (const k of key) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return false
    v = (v as Record<string, unknown>)[k]
  }
  return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === value
}
