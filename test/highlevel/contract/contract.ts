import type { IncomingHttpHeaders } from 'node:http'
import { escapePointer, type OpenApiContract } from './openapi.js'

/** One request and its answer as seen on the wire. */
export interface Exchange {
  method: string
  /** path and query as sent */
  url: string
  requestHeaders: IncomingHttpHeaders
  requestBody: Buffer
  status: number
  responseHeaders: IncomingHttpHeaders
  responseBody: Buffer
}

interface Parameter {
  name: string
  in: 'header' | 'query' | 'path'
  required?: boolean
}

const json = (buf: Buffer): unknown => JSON.parse(buf.toString('utf8'))

/**
 * On the wire every parameter is a string; a boolean or number schema means the string's
 * reading (`true`, `10`), as the server parses it.
 */
function checkParameter(
  contract: OpenApiContract,
  operation: Parameters<OpenApiContract['check']>[0],
  pointer: string,
  value: string,
): string[] {
  const errors = contract.check(operation, pointer, value)
  if (errors.length === 0) return errors
  const read =
    value === 'true' ? true : value === 'false' ? false : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : null
  return read === null || contract.check(operation, pointer, read).length > 0 ? errors : []
}

/** Everything in `ex` that the official contract does not allow; empty when it conforms. */
export function violations(contract: OpenApiContract, ex: Exchange): string[] {
  const url = new URL(ex.url, 'http://x.invalid')
  const operation = contract.find(ex.method, url.pathname)
  const where = `${ex.method} ${url.pathname}`
  if (operation === undefined) return [`${where}: no such operation in the spec`]
  const out: string[] = []
  const bad = (what: string, errors: string[]) => errors.forEach((e) => out.push(`${where} ${what}: ${e}`))
  const { op } = operation

  // Request: parameters (path, query, header), bearer token, body.
  const params = (op.parameters ?? []) as Parameter[]
  const pathValues = operation.pattern.exec(url.pathname)?.slice(1) ?? []
  let pathIndex = 0
  params.forEach((p, i) => {
    let value: string | undefined
    if (p.in === 'path') value = decodeURIComponent(pathValues[pathIndex++] ?? '')
    else if (p.in === 'query') value = url.searchParams.get(p.name) ?? undefined
    else value = ex.requestHeaders[p.name.toLowerCase()] as string | undefined
    if (value === undefined) {
      if (p.required === true) out.push(`${where}: required ${p.in} parameter ${p.name} missing`)
      return
    }
    bad(`${p.in} parameter ${p.name}`, checkParameter(contract, operation, `parameters/${i}/schema`, value))
  })
  const documentedQuery = new Set(params.filter((p) => p.in === 'query').map((p) => p.name))
  for (const name of url.searchParams.keys())
    if (!documentedQuery.has(name)) out.push(`${where}: undocumented query parameter ${name}`)
  if (operation.template !== '/oauth/token' && !/^Bearer \S+$/.test(String(ex.requestHeaders.authorization ?? ''))) {
    out.push(`${where}: no bearer token`)
  }

  const requestBody = op.requestBody as { required?: boolean; content: Record<string, unknown> } | undefined
  if (requestBody === undefined) {
    if (ex.requestBody.length > 0) out.push(`${where}: a body was sent but the operation takes none`)
  } else if (ex.requestBody.length === 0) {
    if (requestBody.required === true) out.push(`${where}: required body missing`)
  } else {
    const type =
      String(ex.requestHeaders['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? ''
    if (!(type in requestBody.content)) {
      out.push(`${where}: content-type ${type} not in ${Object.keys(requestBody.content).join(', ')}`)
    } else {
      const body =
        type === 'application/x-www-form-urlencoded'
          ? Object.fromEntries(new URLSearchParams(ex.requestBody.toString('utf8')))
          : json(ex.requestBody)
      const pointer = `requestBody/content/${escapePointer(type)}/schema`
      bad('request body', contract.check(operation, pointer, body))
      const documented = contract.documentedProperties(operation, pointer)
      if (documented !== null && body !== null && typeof body === 'object') {
        for (const key of Object.keys(body))
          if (!documented.includes(key)) out.push(`${where} request body: undocumented field ${key}`)
      }
    }
  }

  // Response: a documented status, and a body that matches its schema.
  const responses = op.responses as Record<string, { content?: Record<string, unknown> }>
  const response = responses[String(ex.status)]
  if (response === undefined) {
    out.push(`${where}: status ${ex.status} is not documented (${Object.keys(responses).join(', ')})`)
  } else if (response.content?.['application/json'] !== undefined) {
    if (!String(ex.responseHeaders['content-type'] ?? '').startsWith('application/json'))
      out.push(`${where}: response is not JSON`)
    else
      bad(
        `response ${ex.status}`,
        contract.check(operation, `responses/${ex.status}/content/application~1json/schema`, json(ex.responseBody)),
      )
  }
  return out
}
