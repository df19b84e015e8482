import type { FastifyInstance } from 'fastify'
import { compileConfigRules, type Config } from '../../src/config/index.js'
import { buildApp, type AppDeps } from '../../src/http/index.js'
import { createLogger } from '../../src/log.js'
import { createSourceRegistry } from '../../src/sources/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { captureLogs } from '../helpers/build.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The app over a store of its own (a process, or one replica when several share the store). */
export async function appOver(
  t: Teardown,
  config: Config,
  more: Partial<AppDeps> = {},
): Promise<{ app: FastifyInstance; store: Store; logs: ReturnType<typeof captureLogs> }> {
  const store = await openStore(config.store)
  const logs = captureLogs()
  const app = await buildApp({
    config,
    store,
    sources: createSourceRegistry(config.sources),
    rules: () => compileConfigRules(config),
    logger: createLogger({ level: 'debug', stream: logs.stream }),
    ...more,
  })
  t.teardown(async () => {
    await app.close()
    await store.close()
  })
  return { app, store, logs }
}

/** Signs in to the console with `token`: the cookie (name=value) and the CSRF token. */
export async function signIn(app: FastifyInstance, token: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/admin/session', payload: { token } })
  if (res.statusCode !== 200) throw new Error(`sign-in answered ${res.statusCode}: ${res.body}`)
  const cookie = String(res.headers['set-cookie']).split(';')[0]!
  return { cookie, csrf: (res.json() as { csrfToken: string }).csrfToken }
}
