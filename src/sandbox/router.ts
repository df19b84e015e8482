export interface RouteResult {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export type RouteKey =
  | 'POST /contacts/:contactId/tags'
  | 'DELETE /contacts/:contactId/tags'
  | 'POST /contacts/bulk/tags/update/:type'
  | 'GET /contacts/search/duplicate'
  | 'GET /contacts/:contactId'
  | 'POST /contacts/upsert'
  | 'POST /contacts/search'
  | 'POST /oauth/token'
  | 'GET /oauth/chooselocation'
  | 'GET /oauth/installedLocations'
  | 'POST /oauth/locationToken'

export interface RouteMatch {
  key: RouteKey
  param?: string
}

const ROUTES: [string, RegExp, RouteKey][] = [
  ['GET', /^\/contacts\/search\/duplicate$/, 'GET /contacts/search/duplicate'],
  ['POST', /^\/contacts\/upsert$/, 'POST /contacts/upsert'],
  ['POST', /^\/contacts\/search$/, 'POST /contacts/search'],
  ['POST', /^\/contacts\/bulk\/tags\/update\/([^/]+)$/, 'POST /contacts/bulk/tags/update/:type'],
  ['POST', /^\/contacts\/([^/]+)\/tags$/, 'POST /contacts/:contactId/tags'],
  ['DELETE', /^\/contacts\/([^/]+)\/tags$/, 'DELETE /contacts/:contactId/tags'],
  ['GET', /^\/contacts\/([^/]+)$/, 'GET /contacts/:contactId'],
  ['POST', /^\/oauth\/token$/, 'POST /oauth/token'],
  ['GET', /^(?:\/v2)?\/oauth\/chooselocation$/, 'GET /oauth/chooselocation'],
  ['GET', /^\/oauth\/installedLocations$/, 'GET /oauth/installedLocations'],
  ['POST', /^\/oauth\/locationToken$/, 'POST /oauth/locationToken'],
]

export const isOAuthRoute = (key: RouteKey): boolean => key.includes(' /oauth/')

export function matchRoute(method: string, pathname: string): RouteMatch | null {
  for (const [m, pattern, key] of ROUTES) {
    const found = m === method ? pattern.exec(pathname) : null
    if (found === null) continue
    if (found[1] === undefined) return { key }
    try {
      return { key, param: decodeURIComponent(found[1]) }
    } catch {
      return null
    }
  }
  return null
}

export const FORBIDDEN: RouteResult = {
  status: 403,
  body: { statusCode: 403, message: 'The token does not have access to this location.' },
}

export const unprocessable = (...message: string[]): RouteResult => ({
  status: 422,
  body: { statusCode: 422, message, error: 'Unprocessable Entity' },
})

export const contactNotFound = (id: string): RouteResult => ({
  status: 400,
  body: { statusCode: 400, message: `Contact with id ${id} not found` },
})

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whitelisting validation, as HighLevel's: unknown fields are rejected, not ignored. */
export function extraFields(body: Record<string, unknown>, allowed: readonly string[]): RouteResult | null {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  return extra.length > 0 ? unprocessable(...extra.map((k) => `property ${k} should not exist`)) : null
}

export function stringList(value: unknown, name: string): string[] | RouteResult {
  if (!Array.isArray(value)) return unprocessable(`${name} must be an array`)
  if (!value.every((t) => typeof t === 'string')) return unprocessable(`each value in ${name} must be a string`)
  return value as string[]
}
