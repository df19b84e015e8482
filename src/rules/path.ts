/**
 * Field paths address a value inside an event body: `a.b`, `items[0]`, and
 * `answers[type=email].email` (the first element whose `type` equals `email`).
 * They are parsed once, at load, into steps; reading a value is a loop over the steps.
 */
type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'filter'; key: string; value: string }

export type PathReader = (root: unknown) => unknown

const TOKEN = /([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]|(\.)/gy

export function parsePath(path: string): Step[] {
  const steps: Step[] = []
  TOKEN.lastIndex = 0
  let expectSegment = true
  while (TOKEN.lastIndex < path.length) {
    const at = TOKEN.lastIndex
    const m = TOKEN.exec(path)
    if (!m) throw new Error(`invalid field path "${path}" at character ${at + 1}`)
    if (m[5]) {
      if (expectSegment) throw new Error(`invalid field path "${path}": empty segment at character ${at + 1}`)
      expectSegment = true
    } else if (m[1] !== undefined) {
      if (!expectSegment) throw new Error(`invalid field path "${path}": missing "." before "${m[1]}"`)
      steps.push({ kind: 'key', key: m[1] })
      expectSegment = false
    } else if (m[2] !== undefined) {
      steps.push({ kind: 'index', index: Number(m[2]) })
      expectSegment = false
    } else {
      steps.push({ kind: 'filter', key: (m[3] as string).trim(), value: (m[4] as string).trim() })
      expectSegment = false
    }
  }
  if (steps.length === 0 || expectSegment) throw new Error(`invalid field path "${path}"`)
  return steps
}

export function isValidPath(path: string): boolean {
  try {
    parsePath(path)
    return true
  } catch {
    return false
  }
}

export function compilePath(path: string): PathReader {
  const steps = parsePath(path)
  return (root) => {
    let node: unknown = root
    for (const step of steps) {
      if (node === null || typeof node !== 'object') return undefined
      if (step.kind === 'key') {
        // own properties only: `__proto__` or `constructor` in a path never reach Object.prototype
        node = Object.hasOwn(node, step.key) ? (node as Record<string, unknown>)[step.key] : undefined
      } else if (step.kind === 'index') {
        node = Array.isArray(node) ? node[step.index] : undefined
      } else {
        node = Array.isArray(node) ? node.find((el) => matchesFilter(el, step.key, step.value)) : undefined
      }
    }
    return node
  }
}

function matchesFilter(el: unknown, key: string, value: string): boolean {
  if (el === null || typeof el !== 'object' || !Object.hasOwn(el, key)) return false
  const v = (el as Record<string, unknown>)[key]
  return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === value
}
