import { INVISIBLE } from './invisible.js'
import { compilePath, pathProblem, type PathReader } from './path.js'
import { problemOf } from './problem.js'
import type { RuleEvent } from './types.js'
import { dateValue, isScalar } from './values.js'

/**
 * Tag templates: literal text with `{{ path | filter | filter:"arg" }}` placeholders.
 * Parsed once at load. A placeholder whose field is missing (and has no `default`) makes
 * the whole tag disappear, with the reason, rather than produce a stub such as `utm-`.
 */
export type Rendered = { tag: string } | { skipped: string }
export type CompiledTemplate = (event: RuleEvent) => Rendered

type Filter = (v: string | undefined) => string | undefined | { error: string }
interface Slot {
  path: string
  read: PathReader
  filters: Filter[]
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g
const FILTER = /^\s*([a-z]+)\s*(?::\s*"((?:[^"\\]|\\.)*)")?\s*$/
const FILTERS_WITH_ARG = new Set(['default', 'date'])
export const TEMPLATE_FILTERS = ['slug', 'lower', 'upper', 'trim', 'default', 'date'] as const
/**
 * A tag is at most 100 characters; a value 40 times longer cannot be meant for one, and
 * refusing it up front keeps filters (slug normalises unicode, which can grow a string
 * eighteenfold) from spending 100 ms on a 1 MB field.
 */
export const MAX_TEMPLATE_VALUE = 4096

export function isTemplate(s: string): boolean {
  return s.includes('{{')
}

export function templateProblem(s: string): string | undefined {
  return problemOf(() => parseTemplate(s))
}

export function compileTemplate(s: string): CompiledTemplate {
  const parts = parseTemplate(s)
  return (event) => {
    let out = ''
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part
        continue
      }
      const raw = part.read(event)
      if (typeof raw === 'string' && raw.length > MAX_TEMPLATE_VALUE)
        return { skipped: `a value longer than ${MAX_TEMPLATE_VALUE} characters at "${part.path}"` }
      let v: string | undefined = isScalar(raw) ? String(raw) : undefined
      for (const f of part.filters) {
        const r = f(v)
        if (typeof r === 'object') return { skipped: `${r.error} at "${part.path}"` }
        v = r
      }
      // a value of only invisible characters would leave a stub such as `utm-` once cleaned
      if (v === undefined || v.replace(INVISIBLE, '').trim() === '') {
        const why =
          raw === undefined || raw === null ? 'no value' : isScalar(raw) ? 'an empty value' : 'not a single value'
        return { skipped: `${why} at "${part.path}"` }
      }
      out += v
    }
    return { tag: out }
  }
}

/**
 * The paths a tag template reads (`check` tries them on a sample), each with whether it
 * has a `default` filter. Empty for a literal tag or a template that does not parse.
 */
export function templatePaths(s: string): Array<{ path: string; hasDefault: boolean }> {
  if (!isTemplate(s)) return []
  const out: Array<{ path: string; hasDefault: boolean }> = []
  for (const m of s.matchAll(PLACEHOLDER)) {
    const [pathText = '', ...filters] = splitFilters(m[1] as string)
    out.push({ path: pathText.trim(), hasDefault: filters.some((f) => FILTER.exec(f)?.[1] === 'default') })
  }
  return out
}

function parseTemplate(s: string): Array<string | Slot> {
  const parts: Array<string | Slot> = []
  let last = 0
  for (const m of s.matchAll(PLACEHOLDER)) {
    parts.push(s.slice(last, m.index))
    parts.push(parseSlot(m[1] as string))
    last = m.index + m[0].length
  }
  parts.push(s.slice(last))
  const literal = parts.filter((p) => typeof p === 'string').join('')
  if (literal.includes('{{') || literal.includes('}}')) throw new Error(`tag template "${s}": unbalanced {{ }}`)
  return parts.filter((p) => p !== '')
}

function parseSlot(inner: string): Slot {
  const [pathText = '', ...filterTexts] = splitFilters(inner)
  const path = pathText.trim()
  const problem = pathProblem(path)
  if (problem) throw new Error(`tag template: ${problem}`)
  if (path.includes('[*]')) throw new Error(`tag template: "${path}" must name one value: [*] is not allowed in a tag`)
  return { path, read: compilePath(path), filters: filterTexts.map(parseFilter) }
}

/** Splits on `|` outside double quotes, so `default:"a|b"` stays whole. */
function splitFilters(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (c === '\\' && quoted) {
      cur += c + (s[i + 1] ?? '')
      i++
    } else if (c === '"') {
      quoted = !quoted
      cur += c
    } else if (c === '|' && !quoted) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  out.push(cur)
  return out
}

function parseFilter(text: string): Filter {
  const m = FILTER.exec(text)
  if (!m) throw new Error(`tag template: cannot read filter "${text.trim()}" (write name or name:"argument")`)
  const name = m[1] as string
  const arg = m[2]?.replace(/\\(.)/g, '$1')
  if (!(TEMPLATE_FILTERS as readonly string[]).includes(name)) {
    throw new Error(`tag template: unknown filter "${name}" (known: ${TEMPLATE_FILTERS.join(', ')})`)
  }
  if (FILTERS_WITH_ARG.has(name) !== (arg !== undefined)) {
    throw new Error(
      FILTERS_WITH_ARG.has(name)
        ? `tag template: filter "${name}" needs an argument, e.g. ${name}:"…"`
        : `tag template: filter "${name}" takes no argument`,
    )
  }
  switch (name) {
    case 'slug':
      return (v) => (v === undefined ? v : slug(v))
    case 'lower':
      return (v) => v?.toLowerCase()
    case 'upper':
      return (v) => v?.toUpperCase()
    case 'trim':
      return (v) => v?.trim()
    case 'default':
      return (v) => (v === undefined || v.trim() === '' ? arg : v)
    default:
      return dateFilter(arg as string)
  }
}

export function slug(v: string): string {
  return v
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** `date:"YYYY-MM"`: YYYY, MM, DD, HH, mm, ss of the date in UTC; ISO strings or epoch ms. */
function dateFilter(format: string): Filter {
  return (v) => {
    if (v === undefined) return v
    const ms = dateValue(v) ?? (/^\d{10,13}$/.test(v) ? Number(v.length === 10 ? `${v}000` : v) : undefined)
    if (ms === undefined) return { error: `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}" is not a date` }
    const d = new Date(ms)
    const pad = (n: number) => String(n).padStart(2, '0')
    const parts: Record<string, string> = {
      YYYY: String(d.getUTCFullYear()),
      MM: pad(d.getUTCMonth() + 1),
      DD: pad(d.getUTCDate()),
      HH: pad(d.getUTCHours()),
      mm: pad(d.getUTCMinutes()),
      ss: pad(d.getUTCSeconds()),
    }
    return format.replace(/YYYY|MM|DD|HH|mm|ss/g, (t) => parts[t] as string)
  }
}
