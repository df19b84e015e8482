export interface MediaType {
  /** lower-case type/subtype, '' when absent */
  type: string
  /** lower-case parameter names; values unquoted */
  params: Record<string, string>
}

/** `text/plain; charset="ISO-8859-1"` → {type: 'text/plain', params: {charset: 'ISO-8859-1'}}. */
export function parseMediaType(header: string | undefined): MediaType {
  const [type = '', ...rest] = (header ?? '').split(';')
  const params: Record<string, string> = Object.create(null)
  for (const p of rest) {
    const eq = p.indexOf('=')
    if (eq === -1) continue
    const name = p.slice(0, eq).trim().toLowerCase()
    let value = p.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (name) params[name] = value
  }
  return { type: type.trim().toLowerCase(), params }
}
