import { ZodError } from 'zod'
import type { FaultInjector } from './faults.js'
import type { RouteResult } from './router.js'
import { contactToApi, type ContactStore } from './store.js'

export const CONTROL_PREFIX = '/_sandbox/'

export interface ControlDeps {
  faults: FaultInjector
  store: ContactStore
  calls: () => Record<string, number>
}

/**
 * The sandbox's own endpoints, outside HighLevel's paths, for benchmarks and manual runs:
 * GET|POST /_sandbox/faults, GET /_sandbox/calls, GET|POST /_sandbox/contacts.
 * No token: the sandbox is a local test tool and listens on 127.0.0.1 by default.
 */
export function controlRoute(deps: ControlDeps, method: string, url: URL, body: Buffer): RouteResult {
  const route = `${method} ${url.pathname.slice(CONTROL_PREFIX.length)}`
  try {
    switch (route) {
      case 'GET faults':
        return { status: 200, body: deps.faults.settings }
      case 'POST faults':
        return { status: 200, body: deps.faults.set(parse(body)) }
      case 'GET calls':
        return { status: 200, body: deps.calls() }
      case 'GET contacts':
        return {
          status: 200,
          body: { contacts: deps.store.list(url.searchParams.get('locationId') ?? undefined).map(contactToApi) },
        }
      case 'POST contacts': {
        const input = parse(body)
        if (typeof input.locationId !== 'string' || input.locationId === '') throw new Error('locationId is required')
        return { status: 201, body: { contact: contactToApi(deps.store.seed(input as { locationId: string })) } }
      }
      default:
        return { status: 404, body: { message: `no sandbox control route ${route}` } }
    }
  } catch (err) {
    const message =
      err instanceof ZodError
        ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
        : (err as Error).message
    return { status: 400, body: { message } }
  }
}

function parse(body: Buffer): Record<string, unknown> {
  const value = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8')) as unknown
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object')
  return value as Record<string, unknown>
}
