import type { z } from 'zod'

interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
  getter?: () => z.ZodType
  options?: z.ZodType[]
  element?: z.ZodType
  valueType?: z.ZodType
}

const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def

/**
 * The keys a mapping at `path` may have, read from the zod schema, for "unknown key"
 * messages that list the valid choices. A path through a union (a condition is
 * `all`/`any`/`not` or a leaf) gathers every branch's keys. Bounded: at most one step
 * per path element, and each union's branches once.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes = unwrap([schema])
  for (const key of path) {
    const next: z.ZodType[] = []
    for (const n of nodes) {
      const d = def(n)
      if (d.type === 'object' && typeof key === 'string' && d.shape?.[key]) next.push(d.shape[key])
      else if (d.type === 'array' && typeof key === 'number' && d.element) next.push(d.element)
      else if (d.type === 'record' && d.valueType) next.push(d.valueType)
    }
    nodes = unwrap(next)
  }
  const keys = new Set<string>()
  for (const n of nodes) for (const k of Object.keys(def(n).shape ?? {})) keys.add(k)
  return [...keys]
}

/** Through optional, default, pipe (transform), lazy and union wrappers, to the schemas that take a value. */
function unwrap(list: z.ZodType[]): z.ZodType[] {
  const out: z.ZodType[] = []
  const seen = new Set<z.ZodType>()
  const visit = (s: z.ZodType | undefined): void => {
    if (!s || seen.has(s)) return
    seen.add(s)
    const d = def(s)
    if (d.innerType) visit(d.innerType)
    else if (d.type === 'pipe') visit(d.in)
    else if (d.type === 'lazy') visit(d.getter?.())
    else if (d.type === 'union') d.options?.forEach(visit)
    else out.push(s)
  }
  list.forEach(visit)
  return out
}
