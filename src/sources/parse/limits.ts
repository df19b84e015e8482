import { TooDeepError, TooWideError } from '../errors.js'

/** Beyond these no real webhook goes; they bound the work a hostile body can cause. */
export const MAX_DEPTH = 64
export const MAX_WIDTH = 10_000
export const MAX_NODES = 100_000

/**
 * Nesting depth of a JSON text, scanned without parsing: the parser and every later
 * recursive walk (rules, storage) are then safe from a body that is all `[[[[`.
 */
export function assertJsonDepth(text: string, max = MAX_DEPTH): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) throw new TooDeepError(max)
    } else if (c === 125 || c === 93) depth--
  }
}

/** Counts keys and elements, iteratively: no container wider than MAX_WIDTH, no more than MAX_NODES in all. */
export function assertWidth(value: unknown): void {
  const stack: unknown[] = [value]
  let nodes = 0
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    const children = Array.isArray(v) ? v : Object.values(v)
    if (children.length > MAX_WIDTH) throw new TooWideError(MAX_WIDTH)
    nodes += children.length
    if (nodes > MAX_NODES) throw new TooWideError(MAX_NODES)
    for (const c of children) stack.push(c)
  }
}
