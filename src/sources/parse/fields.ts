import { TooDeepError, TooWideError } from '../errors.js'
import { MAX_DEPTH, MAX_WIDTH } from './limits.js'

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** `a[b][]` → ['a', 'b', '']; a name that is not bracket syntax is one segment. */
export function splitFieldName(name: string): string[] {
  const open = name.indexOf('[')
  if (open <= 0 || !name.endsWith(']')) return [name]
  const segments = [name.slice(0, open)]
  const re = /\[([^[\]]*)\]/gy
  re.lastIndex = open
  for (let m = re.exec(name); m; m = re.exec(name)) {
    segments.push(m[1]!)
    if (re.lastIndex === name.length) return segments
  }
  return [name]
}

type Container = Record<string, unknown> | unknown[]
const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object'

/**
 * Builds nested objects from form fields the way PHP and `qs` do (`a[b]=c`, `a[]=x`,
 * `a[0]=x`), so rules address form posts like JSON. A repeated plain name becomes a
 * list. A field naming `__proto__`, `constructor` or `prototype` anywhere is dropped:
 * form keys can never reach an object's prototype. A field that conflicts with an
 * earlier one (a value where a group was, or the reverse) is dropped too: first wins.
 */
export class FieldTree {
  readonly root: Record<string, unknown> = {}

  add(name: string, value: string): void {
    const path = splitFieldName(name)
    if (path.length > MAX_DEPTH) throw new TooDeepError(MAX_DEPTH)
    if (path.some((s) => FORBIDDEN.has(s))) return
    let node: Container = this.root
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!
      const last = i === path.length - 1
      const nextIsList = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1]!))
      if (Array.isArray(node)) {
        if (node.length >= MAX_WIDTH) throw new TooWideError(MAX_WIDTH)
        const index = seg === '' ? node.length : Number(seg)
        if (!Number.isInteger(index) || index > node.length) return // sparse or named key in a list: dropped
        if (last) {
          if (index === node.length) node.push(value)
          return
        }
        node[index] ??= nextIsList ? [] : {}
        if (!isContainer(node[index])) return
        node = node[index] as Container
        continue
      }
      const existing = Object.hasOwn(node, seg) ? node[seg] : undefined
      if (last) {
        if (existing === undefined) node[seg] = value
        else if (Array.isArray(existing) && path.length === 1) existing.push(value)
        else if (typeof existing === 'string' && path.length === 1) node[seg] = [existing, value]
        return
      }
      if (existing === undefined) node[seg] = nextIsList ? [] : {}
      else if (!isContainer(existing)) return
      node = node[seg] as Container
    }
  }
}
