import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { chromium } from 'playwright-core'
import { validateConfig } from '../src/config/index.js'
import { startSandbox, type Sandbox } from '../src/sandbox/index.js'
import { startService } from '../src/service.js'

/**
 * The console's locations page for an agency: INSTALLED locations installed through the
 * OAuth app (a Company install against the sandbox), a few of them disabled (held back).
 * Measured in Debian's Chromium: the time from navigation to the first rows of the table
 * on screen (the page's first useful paint; the shell paints before), over RUNS loads,
 * and the API's answer for one page of 100. Asserts the held-back ones come first.
 */
const INSTALLED = Number(process.env.BENCH_INSTALLED_LOCATIONS ?? 5_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const HELD = 3
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ADMIN = 'bench-admin-token-0123456789'
const CLIENT = 'benchapp01-x1'
const SECRET = 'bench-app-secret'
const COMPANY = 'benchCompany00000001'
const silent = new Writable({ write: (_c, _e, done) => done() })

function config(sandbox: Sandbox, storeUrl: string) {
  return validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: storeUrl },
      log: { level: 'warn' },
      admin: { token: ADMIN },
      highlevel: {
        baseUrl: sandbox.url,
        locations: {},
        app: {
          clientId: CLIENT,
          clientSecret: SECRET,
          redirectUrl: 'https://bench.example/oauth/callback',
          userType: 'Company',
          installBaseUrl: sandbox.url,
        },
      },
      sources: { bench: { location: { from: 'url' }, verify: { type: 'none' } } },
      rules: [{ name: 'tag', source: 'bench', contact: { id: 'contactId' }, tags: ['bench'] }],
    },
    'bench config',
    { env: {} },
  )
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-bench-console-'))
  const sandbox = await startSandbox({ tokens: {}, oauthClients: { [CLIENT]: SECRET } })
  const installed = sandbox.addCompanyLocations(COMPANY, INSTALLED, 'instLoc')
  sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: installed, installWebhook: 'none' })
  const service = await startService({ config: config(sandbox, `sqlite:${join(dir, 'bench.db')}`), logStream: silent })
  const profile = mkdtempSync(join(tmpdir(), 'tagrelay-bench-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  try {
    const first = await fetch(`${service.url}/oauth/install`, { redirect: 'manual' })
    const consent = await fetch(first.headers.get('location')!, { redirect: 'manual' })
    const back = new URL(consent.headers.get('location')!)
    // the install's state is bound to the browser that started it (its cookie)
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
    const res = await fetch(`${service.url}/oauth/callback${back.search}`, { headers: { cookie } })
    if (res.status !== 200) throw new Error(`install failed: ${res.status} ${await res.text()}`)
    const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }
    const listed = (await (
      await fetch(`${service.url}/admin/locations?sort=name&order=desc&limit=${HELD}`, { headers: auth })
    ).json()) as {
      locations: Array<{ name: string }>
      total: number
    }
    // the last few by name are held back: the attention order must still show them first
    const held = installed.slice(-HELD)
    for (const id of held) {
      const name = listed.locations.find((l) => l.name.includes(id))?.name ?? id
      const r = await fetch(`${service.url}/admin/locations/${encodeURIComponent(name)}`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ disabled: true }),
      })
      if (r.status !== 200) throw new Error(`PATCH ${name}: ${r.status} ${await r.text()}`)
    }
    console.log(`${listed.total} installed locations, ${HELD} disabled (held back)`)

    const apiMs: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      await (await fetch(`${service.url}/admin/locations?limit=100`, { headers: auth })).json()
      apiMs.push(performance.now() - t0)
    }

    const page = await browser.newPage()
    await page.goto(`${service.url}/console/sign-in`)
    await page.fill('#token', ADMIN)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/console\/events/)
    const paintMs: number[] = []
    const fcpMs: number[] = []
    let firstRows: string[] = []
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${service.url}/console/locations`)
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
            'tbody tr',
          ) !== null,
        null,
        { polling: 'raf' },
      )
      const [shown, fcp] = await page.evaluate(() => [
        performance.now(),
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      ])
      paintMs.push(shown)
      fcpMs.push(fcp)
      firstRows = await page
        .locator('tbody tr')
        .evaluateAll((rows, n) => rows.slice(0, n).map((r) => r.textContent ?? ''), HELD)
    }
    const heldFirst = held.every((id) => firstRows.some((r) => r.includes(id)))
    const result = {
      bench: 'console-locations',
      locations: listed.total,
      firstRowsMsMedian: Math.round(median(paintMs)),
      firstRowsMsMax: Math.round(Math.max(...paintMs)),
      firstContentfulPaintMsMedian: Math.round(median(fcpMs)),
      apiPageOf100MsMedian: Math.round(median(apiMs)),
      heldBackFirst: heldFirst,
    }
    console.log(
      `locations page, first rows on screen: median ${result.firstRowsMsMedian} ms, max ${result.firstRowsMsMax} ms over ${RUNS} loads`,
    )
    console.log(`first contentful paint: median ${result.firstContentfulPaintMsMedian} ms`)
    console.log(`GET /admin/locations?limit=100: median ${result.apiPageOf100MsMedian} ms`)
    console.log(`held-back locations first: ${heldFirst ? 'yes' : `NO (first rows: ${firstRows.join(' | ')})`}`)
    console.log(JSON.stringify(result))
    if (!heldFirst) process.exitCode = 1
  } finally {
    await browser.close()
    rmSync(profile, { recursive: true, force: true })
    await service.close()
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
