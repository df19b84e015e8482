import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { RejectionCounter } from '../../src/common/rejections.js'
import { compileConfigRules, validateConfig, type Config } from '../../src/config/index.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { buildApp, type AppDeps } from '../../src/http/index.js'
import { createLogger } from '../../src/log.js'
import { createSourceRegistry } from '../../src/sources/index.js'
import { setUpLocations, type LocationRegistry } from '../../src/locations/index.js'
import { openStore, type Store } from '../../src/store/index.js'

export const HL_TOKEN = 'pit-7f3a9c21d84e4b6fa0c2'
export const SOURCE_TOKEN = 'src-5b8e1d7c9a2f4e60b3d1'
export const LOCATION_ID = 've9EPM428h8vShlRW1KT'
export const ADMIN_TOKEN = 'adm-9d2e7f41c3b84a6e5c17f0b2d94a8e63'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** A tiny pino destination that keeps every line, for assertions on logs. */
export function captureLogs(): {
  stream: { write(s: string): void }
  lines: () => Array<Record<string, unknown>>
  text: () => string
} {
  const chunks: string[] = []
  return {
    stream: { write: (s: string) => void chunks.push(s) },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => chunks.join(''),
  }
}

export function tempDir(t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export interface TestConfigOptions {
  storeUrl: string
  baseUrl?: string
  delivery?: Record<string, unknown>
  /** extra sources, merged over the default `forms` and `open` */
  sources?: Record<string, unknown>
  /** extra rules, appended to the default ones */
  rules?: unknown[]
  server?: Record<string, unknown>
  /** extra HighLevel locations, beside `main` */
  locations?: Record<string, unknown>
  /** top-level sections merged in as given (admin, metrics, overload, ...) */
  extra?: Record<string, unknown>
}

export function testConfig(opts: TestConfigOptions): Config {
  return validateConfig(
    {
      server: { host: '127.0.0.1', port: 0, ...opts.server },
      store: { url: opts.storeUrl },
      log: { level: 'debug' },
      highlevel: {
        baseUrl: opts.baseUrl ?? 'http://127.0.0.1:9',
        timeoutMs: 2000,
        locations: {
          main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } },
          ...opts.locations,
        },
      },
      delivery: { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200, ...opts.delivery },
      sources: {
        forms: { location: 'main', verify: { type: 'token', token: SOURCE_TOKEN } },
        open: { location: 'main', verify: { type: 'none' } },
        ...opts.sources,
      },
      rules: [
        {
          name: 'signup',
          source: 'forms',
          when: { field: 'type', equals: 'signup' },
          contact: { email: 'email' },
          tags: ['lead', 'Signed  Up'],
        },
        {
          name: 'vip',
          source: 'forms',
          when: { field: 'contactId', exists: true },
          contact: { id: 'contactId' },
          tags: ['vip'],
        },
        { name: 'open', source: 'open', contact: { email: 'email' }, tags: ['open'] },
        ...(opts.rules ?? []),
      ],
      // shedding load on event-loop delay measures the machine, not the code: a test service
      // on a machine running the suite beside a benchmark would answer 503 (backpressure's own
      // tests turn it on through `extra`)
      overload: { enabled: false },
      ...opts.extra,
    },
    'test config',
    { env: {} },
  )
}

export async function testSandbox(t: Teardown): Promise<Sandbox> {
  const sandbox = await startSandbox({ tokens: { [HL_TOKEN]: LOCATION_ID } })
  t.teardown(() => sandbox.close())
  return sandbox
}

export interface BuildOptions extends Omit<TestConfigOptions, 'storeUrl'> {
  /** the sources' clock (epoch ms) */
  now?: () => number
  /** HighLevel's last rate-limit headers per locationId, as the client would report them */
  rateLimits?: AppDeps['rateLimits']
  /** the delivery engine's per-location pauses (AppDeps.delivery) */
  pauses?: AppDeps['delivery']
  /** the admin API's clock (sessions, throttle, portal links) */
  clock?: AppDeps['clock']
  /** a location registry over the store (installed locations), as `serve` builds it */
  registry?: boolean
}

/** The app over a real SQLite file, driven with `app.inject` (no port, no delivery). */
export async function build(
  t: Teardown,
  opts: BuildOptions = {},
): Promise<{
  app: FastifyInstance
  store: Store
  logs: ReturnType<typeof captureLogs>
  rejections: RejectionCounter
  config: Config
  reloadRules: (rules: unknown[]) => string
  locations: LocationRegistry | undefined
}> {
  const dir = tempDir(t)
  const { now, rateLimits, pauses, clock, registry, ...configOpts } = opts
  const config = testConfig({ storeUrl: `sqlite:${join(dir, 'test.db')}`, ...configOpts })
  const logs = captureLogs()
  const sources = createSourceRegistry(config.sources, {
    now,
    publicUrl: config.server.publicUrl,
    bodyLimit: config.server.bodyLimit,
  })
  const logger = createLogger({ level: 'debug', stream: logs.stream, secretQueryParams: sources.secretQueryParams() })
  const store = await openStore({ url: config.store.url })
  let rules = compileConfigRules(config)
  const rejections = new RejectionCounter()
  const locations = registry
    ? (
        await setUpLocations({
          locations: config.highlevel.locations,
          app: config.highlevel.app,
          secretKey: undefined,
          store,
          client: {
            refreshAccessToken: async () => Promise.reject(new Error('no HighLevel here')),
            installs: {} as never,
          },
          logger,
          syncMs: 0,
        })
      ).registry
    : undefined
  const app = await buildApp({
    config,
    store,
    sources,
    rules: () => rules,
    logger,
    rejections,
    rateLimits,
    delivery: pauses,
    ...(clock ? { clock } : {}),
    ...(locations ? { locations } : {}),
  })
  t.teardown(async () => {
    locations?.stop()
    await app.close()
    await store.close()
  })
  // what a reload does: the default rules plus `extra`, swapped in at once; answers the new version
  const reloadRules = (extra: unknown[]): string => {
    rules = compileConfigRules(testConfig({ storeUrl: config.store.url, ...configOpts, rules: extra }))
    return rules.version
  }
  return { app, store, logs, rejections, config, reloadRules, locations }
}
