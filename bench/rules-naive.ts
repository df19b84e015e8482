import { parsePath, type Rule, type RuleEvent } from '../src/rules/index.js'

/**
 * The baseline: the same rules interpreted straight from their parsed YAML on every event,
 * re-parsing each field path each time, as a first implementation would. Supports the
 * operators the benchmark's rules use.
 */
export function naiveEvaluate(rules: readonly Rule[], event: RuleEvent): string[] {
  const tags: string[] = []
  for (const rule of rules) {
    if (rule.source !== event.source) continue
    if (rule.when && !check(rule.when as Cond, event.body)) continue
    for (const tag of rule.tags ?? []) if (!tags.includes(tag)) tags.push(tag)
  }
  return tags
}

type Cond = { all?: Cond[]; any?: Cond[]; not?: Cond; field?: string } & Record<string, unknown>

function check(c: Cond, body: unknown): boolean {
  if (c.all) return c.all.every((x) => check(x, body))
  if (c.any) return c.any.some((x) => check(x, body))
  if (c.not) return !check(c.not, body)
  const values = read(body, c.field as string)
  const one = (v: unknown): boolean => {
    if ('equals' in c) return String(v).toLowerCase() === String(c.equals).toLowerCase() && v !== undefined
    if ('in' in c)
      return (c.in as unknown[]).some((w) => v !== undefined && String(v).toLowerCase() === String(w).toLowerCase())
    if ('contains' in c) return typeof v === 'string' && v.toLowerCase().includes(String(c.contains).toLowerCase())
    if ('exists' in c) return (v !== undefined && v !== null) === c.exists
    if ('gte' in c) return typeof v === 'string' && Date.parse(v) >= Date.parse(c.gte as string)
    if ('matches' in c) return typeof v === 'string' && new RegExp(c.matches as string, 'i').test(v)
    return false
  }
  return values.some(one)
}

function read(root: unknown, path: string): unknown[] {
  let nodes: unknown[] = [root]
  for (const step of parsePath(path)) {
    const next: unknown[] = []
    for (const n of nodes) {
      if (n === null || typeof n !== 'object') continue
      if (step.kind === 'key') next.push((n as Record<string, unknown>)[step.key])
      else if (!Array.isArray(n)) continue
      else if (step.kind === 'index') next.push(n[step.index])
      else if (step.kind === 'wildcard') next.push(...n)
      else
        next.push(
          n.find(
            (el) =>
              el &&
              typeof el === 'object' &&
              String(step.key.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], el)) === step.value,
          ),
        )
    }
    nodes = next
  }
  return nodes.length > 0 ? nodes : [undefined]
}
