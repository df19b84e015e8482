import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'
import { openStore, type Store } from '../../src/store/index.js'

export type StoreKind = 'sqlite' | 'postgres'

const LOCATION = 'chaosLocation0000001'
const TOKEN = 'pit-chaos-0123456789abcdef'
export const SIGNING_SECRET = 'chaos-hmac-secret-0123456789'
export const SIGNATURE_HEADER = 'x-chaos-signature'

/** A seeded sandbox contact; half are named by id in events, half only by email (looked up). */
export interface ChaosContact {
  id: string
  email: string
  byId: boolean
}

export interface RigOptions {
  store: StoreKind
  /** PostgreSQL server for store: postgres; the rig makes (and drops) its own schema */
  databaseUrl?: string
  contacts?: number
  sandbox?: Partial<SandboxOptions>
  /** merged into the service's `delivery:` config */
  delivery?: Record<string, unknown>
  /** the service's HighLevel client timeout */
  highlevelTimeoutMs?: number
}

/** Everything a chaos run needs besides the service process: sandbox, contacts, store, config file. */
export interface Rig {
  sandbox: Sandbox
  contacts: ChaosContact[]
  configFile: string
  /** the fixed port every restart of the service listens on, so senders keep one URL */
  url: string
  storeLabel: string
  /** the service's `delivery:` config as written */
  delivery: Record<string, unknown>
  /** opens the run's store (the service must not be running for SQLite's sake of a clean read) */
  openStore(): Promise<Store>
  close(): Promise<void>
}

/**
 * The delivery settings of a chaos run: a short lease so a killed process's jobs come back
 * within a second, quick polling and short backoff so a run takes seconds, not hours.
 */
const DELIVERY_DEFAULTS = {
  pollIntervalMs: 50,
  leaseMs: 1000,
  retryBaseMs: 100,
  retryMaxMs: 2000,
  retryMaxAttempts: 30,
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-chaos-'))
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })]
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  try {
    const sandbox = await startSandbox({ tokens: { [TOKEN]: LOCATION }, ...opts.sandbox })
    cleanups.push(() => sandbox.close())
    const contacts = Array.from({ length: opts.contacts ?? 20 }, (_, i) => {
      const email = `chaos${i}@example.com`
      return { id: sandbox.seedContact({ locationId: LOCATION, email }).id, email, byId: i % 2 === 0 }
    })
    const store = await prepareStore(opts, dir)
    cleanups.push(store.drop)
    const port = await freePort()
    const delivery = { ...DELIVERY_DEFAULTS, ...opts.delivery }
    const config = {
      server: { host: '127.0.0.1', port, shutdownGraceMs: 3000 },
      store: store.config,
      log: { level: 'info' },
      // the runs check delivery, not load shedding: a machine busy enough to lag the event
      // loop past 1 s would have events refused with 503 TAGRELAY_OVERLOADED that a run
      // counts as the service's own refusals
      overload: { enabled: false },
      delivery,
      highlevel: {
        baseUrl: sandbox.url,
        ...(opts.highlevelTimeoutMs === undefined ? {} : { timeoutMs: opts.highlevelTimeoutMs }),
        locations: { main: { locationId: LOCATION, auth: { type: 'private-integration', token: TOKEN } } },
      },
      sources: {
        chaos: {
          location: 'main',
          verify: { type: 'hmac', secret: SIGNING_SECRET, header: SIGNATURE_HEADER, prefix: 'sha256=' },
          dedupe: { path: 'id' },
        },
      },
      // `id` wins when the event has one; the others are looked up by email (and cached)
      rules: [
        { name: 'chaos tag', source: 'chaos', contact: { id: 'contactId', email: 'email' }, tags: ['{{ tag }}'] },
        // opposite intents on one person: the last accepted event must decide `subscribed`
        {
          name: 'opt in',
          source: 'chaos',
          when: { field: 'opt', equals: 'in' },
          contact: { id: 'contactId', email: 'email' },
          tags: ['subscribed'],
        },
        {
          name: 'opt out',
          source: 'chaos',
          when: { field: 'opt', equals: 'out' },
          contact: { id: 'contactId', email: 'email' },
          untag: ['subscribed'],
        },
      ],
    }
    const configFile = join(dir, 'tagrelay.yaml')
    writeFileSync(configFile, JSON.stringify(config, null, 2)) // JSON is YAML
    return {
      sandbox,
      contacts,
      configFile,
      url: `http://127.0.0.1:${port}`,
      storeLabel: store.label,
      delivery,
      openStore: () => openStore({ url: store.config.url, postgres: store.config.postgres, migrate: false }),
      close,
    }
  } catch (err) {
    await close()
    throw err
  }
}

interface PreparedStore {
  config: { url: string; postgres?: { schema: string; poolSize: number } }
  label: string
  drop: () => Promise<void>
}

async function prepareStore(opts: RigOptions, dir: string): Promise<PreparedStore> {
  if (opts.store === 'sqlite') {
    const file = join(dir, 'chaos.db')
    return { config: { url: `sqlite:${file}` }, label: `sqlite ${file}`, drop: async () => {} }
  }
  const url = opts.databaseUrl
  if (url === undefined)
    throw new Error('store postgres needs a database URL (CHAOS_DATABASE_URL or TEST_DATABASE_URL)')
  const schema = `chaos_${process.pid}_${Date.now().toString(36)}`
  // the first service start migrates it; dropped at the end whatever happened
  return {
    config: { url, postgres: { schema, poolSize: 4 } },
    label: `postgres schema ${schema}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

/**
 * A port free right now, below Linux's ephemeral range (32768 and up), which the service
 * binds on every restart. Why not a port the kernel hands out (`listen(0)`): in the
 * ephemeral range, any outgoing connection on the machine (a test's HTTP client, a
 * PostgreSQL pool) may take it as its local port between our check and the service's
 * bind, or while the service is down between a kill and its restart: EADDRINUSE, seen
 * when several test processes ran at once. Below the range only another chooser like
 * this one can take it.
 */
async function freePort(): Promise<number> {
  for (let tries = 0; ; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) return port
    if (tries >= 100) throw new Error('no free port between 20000 and 31999 after 100 tries')
  }
}
