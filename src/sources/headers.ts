/**
 * Headers keyed by lower-cased name from Node's raw `[name, value, name, value, ...]`
 * list. Why not the parsed `headers` object: Node joins a repeated custom header with
 * ", " and silently drops repeats of some standard ones, so a duplicated signature header
 * would reach a verifier as one odd string. Here a repeat stays an array, and verifiers
 * refuse it instead of picking one.
 */
export function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    const value = raw[i + 1]!
    const prev = out[name]
    // push, not spread: 2,000 repeats of one header would copy the list 2,000 times
    if (prev === undefined) out[name] = value
    else if (Array.isArray(prev)) prev.push(value)
    else out[name] = [prev, value]
  }
  return out
}
