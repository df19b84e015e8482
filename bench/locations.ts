import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { request } from 'undici'
import { validateConfig } from '../src/config/index.js'
import { startSandbox, type Sandbox } from '../src/sandbox/index.js'
import { startService, type Service } from '../src/service.js'

/**
 * 10,000 locations, half from YAML (private integration tokens) and half installed
 * through the OAuth app (an agency's Company install against the sandbox), one source
 * taking the location from the URL and one rule. Measured in this process (service and
 * sandbox together, the sandbox idle when the service is): idle CPU over IDLE_S seconds,
 * webhook latency p99 at 50 requests/s against the same run with one location, start-up
 * (a restart over the populated store), RSS, and the time to deliver one event on each
 * of 2,000 locations (1,000 of each kind) with the sandbox answering after 20 ms.
 */
const YAML = Number(process.env.BENCH_YAML_LOCATIONS ?? 5_000)
const INSTALLED = Number(process.env.BENCH_INSTALLED_LOCATIONS ?? 5_000)
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30)
const RATE_S = Number(process.env.BENCH_RATE_S ?? 20)
const BURST = 2_000
const CLIENT = 'benchapp01-x1'
const SECRET = 'bench-app-secret'
const COMPANY = 'benchCompany00000001'

const silent = new Writable({ write: (_c, _e, done) => done() })

/** BENCH_STORE_URL=postgres://... runs the bench on PostgreSQL (a schema of its own per run, left behind) */
const PG = process.env.BENCH_STORE_URL
const schemaTag = `bench_${Date.now().toString(36)}`

function config(sandbox: Sandbox, storeUrl: string, yaml: string[], app: boolean) {
  return validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      store: PG
        ? { url: PG, postgres: { schema: `${schemaTag}_${storeUrl.endsWith('one.db') ? 'one' : 'many'}` } }
        : { url: storeUrl },
      log: { level: 'warn' },
      highlevel: {
        baseUrl: sandbox.url,
        locations: Object.fromEntries(
          yaml.map((id) => [id, { locationId: id, auth: { type: 'private-integration', token: `pit-${id}` } }]),
        ),
        ...(app
          ? {
              app: {
                clientId: CLIENT,
                clientSecret: SECRET,
                redirectUrl: 'https://bench.example/oauth/callback',
                userType: 'Company',
                installBaseUrl: sandbox.url,
              },
            }
          : {}),
      },
      delivery: { enabled: process.env.BENCH_DELIVERY !== '0' },
      sources: { bench: { location: { from: 'url' }, verify: { type: 'none' } } },
      rules: [{ name: 'tag', source: 'bench', contact: { id: 'contactId' }, tags: ['{{ tag }}'] }],
    },
    'bench config',
    { env: {} },
  )
}

/** CPU of this process (service and idle sandbox) over `seconds`, as % of one core. */
async function idleCpu(seconds: number): Promise<number> {
  const cpu0 = process.cpuUsage()
  await new Promise((r) => setTimeout(r, seconds * 1000))
  const cpu = process.cpuUsage(cpu0)
  return Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 1000) / 10
}

async function install(service: Service): Promise<void> {
  const first = await fetch(`${service.url}/oauth/install`, { redirect: 'manual' })
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
  const page = await fetch(first.headers.get('location')!, { redirect: 'manual' })
  const back = new URL(page.headers.get('location')!)
  const res = await fetch(`${service.url}/oauth/callback${back.search}`, { headers: { cookie } })
  if (res.status !== 200) throw new Error(`install failed: ${res.status} ${await res.text()}`)
}

const post = async (service: Service, location: string, contactId: string, tag: string): Promise<number> => {
  const started = performance.now()
  const res = await request(`${service.url}/hooks/bench/${location}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ contactId, tag }),
  })
  await res.body.dump()
  if (res.statusCode !== 202) throw new Error(`hook answered ${res.statusCode}`)
  return performance.now() - started
}

/** 50 requests a second for RATE_S seconds to random locations; the p99 latency in ms. */
async function p99At50(service: Service, targets: { location: string; contactId: string }[]): Promise<number> {
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  const start = performance.now()
  for (let i = 0; i < RATE_S * 50; i++) {
    const wait = start + i * 20 - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const t = targets[Math.floor(Math.random() * targets.length)]!
    pending.push(post(service, t.location, t.contactId, 'rate').then((ms) => void latencies.push(ms)))
  }
  await Promise.all(pending)
  latencies.sort((a, b) => a - b)
  return Math.round(latencies[Math.floor(latencies.length * 0.99)]! * 10) / 10
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-bench-locations-'))
  const yaml = Array.from({ length: YAML }, (_, i) => `yamlLoc${String(i).padStart(6, '0')}`)
  const sandbox = await startSandbox({
    tokens: Object.fromEntries(yaml.map((id) => [`pit-${id}`, id])),
    oauthClients: { [CLIENT]: SECRET },
    faults: { latencyMs: 20 },
  })
  const installed = sandbox.addCompanyLocations(COMPANY, INSTALLED, 'instLoc')
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: installed, installWebhook: 'none' })
  const all = [...yaml, ...installed]
  const contacts = new Map(all.map((locationId) => [locationId, sandbox.seedContact({ locationId }).id]))
  const storeUrl = `sqlite:${join(dir, 'bench.db')}`
  try {
    let service = await startService({ config: config(sandbox, storeUrl, yaml, true), logStream: silent })
    await install(service)
    await service.close()
    console.log(`${all.length} locations (${YAML} YAML, ${INSTALLED} installed)`)

    const started = performance.now()
    service = await startService({ config: config(sandbox, storeUrl, yaml, true), logStream: silent })
    const startupMs = Math.round(performance.now() - started)
    console.log(`start-up: ${startupMs} ms`)

    await new Promise((r) => setTimeout(r, 2_000))
    const idleCpuPercent = await idleCpu(IDLE_S)
    const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20)
    console.log(`idle: ${idleCpuPercent} % of a core over ${IDLE_S} s; RSS ${rssMb} MB`)

    const targets = all.map((location) => ({ location, contactId: contacts.get(location)! }))
    const p99Ms = await p99At50(service, targets)
    console.log(`webhook p99 at 50/s: ${p99Ms} ms`)

    const burst = [...yaml.slice(-BURST / 2), ...installed.slice(-BURST / 2)]
    const t0 = performance.now()
    for (let i = 0; i < burst.length; i += 50)
      await Promise.all(burst.slice(i, i + 50).map((l) => post(service, l, contacts.get(l)!, 'burst')))
    const done = (): boolean => burst.every((l) => sandbox.getContact(contacts.get(l)!)?.tags.includes('burst'))
    while (!done() && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50))
    const burst2000Ms = done() ? Math.round(performance.now() - t0) : -1
    console.log(`one event on each of ${BURST} locations delivered in ${burst2000Ms} ms (-1: not within 120 s)`)
    await service.close()

    const one = await startService({
      config: config(sandbox, `sqlite:${join(dir, 'one.db')}`, [yaml[0]!], false),
      logStream: silent,
    })
    await new Promise((r) => setTimeout(r, 2_000))
    console.log(`idle, one location: ${await idleCpu(IDLE_S)} % of a core over ${IDLE_S} s`)
    const p99MsOneLocation = await p99At50(one, [{ location: yaml[0]!, contactId: contacts.get(yaml[0]!)! }])
    await one.close()
    console.log(`webhook p99 at 50/s, one location: ${p99MsOneLocation} ms`)
    console.log(
      JSON.stringify({
        bench: 'locations',
        locations: all.length,
        idleCpuPercent,
        p99Ms,
        p99MsOneLocation,
        startupMs,
        rssMb,
        burst2000Ms,
      }),
    )
  } finally {
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
