/** Response headers as undici gives them (lowercased keys) or a fetch `Headers`. */
export type HeaderSource = Record<string, string | string[] | undefined> | Headers

export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined
  const lower = name.toLowerCase()
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(lower) ?? undefined
  }
  const bag = headers as Record<string, string | string[] | undefined>
  let value = bag[lower]
  if (value === undefined) {
    const key = Object.keys(bag).find((k) => k.toLowerCase() === lower)
    value = key === undefined ? undefined : bag[key]
  }
  return Array.isArray(value) ? value[0] : value
}
