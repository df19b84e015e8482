import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { request } from 'undici'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { startService, type Service } from '../../src/service.js'
import { holds } from '../helpers/until.js'
import { ADMIN_TOKEN, captureLogs, HL_TOKEN, LOCATION_ID, SOURCE_TOKEN, tempDir, testConfig } from '../helpers/build.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const VIEWER_TOKEN = 'viewer-4b1d9e7a2c6f8035'
export const SECOND_LOCATION_ID = 'Zq8LmN3pRt6uVw9xYa2B'
const SECOND_TOKEN = 'pit-2b9e4c7d1a6f3e80d5c4'
/**
 * Where the screenshots go: docs/console/ (tracked, shown in docs/console.md) only on
 * request, `UPDATE_SCREENSHOTS=1`; otherwise a folder under the system's temporary one,
 * so a test run leaves the working tree as it found it.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(import.meta.dirname, '../../docs/console')
  : join(tmpdir(), 'tagrelay-console-screenshots')

/** Why the browser tests cannot run here, or null when they can. */
export function skipReason(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) to run the console's browser tests`
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface Console {
  service: Service
  sandbox: Sandbox
  browser: BrowserContext
  url: string
  page: () => Promise<Page>
  post: (source: string, body: unknown) => Promise<string>
  signIn: (page: Page, token?: string) => Promise<void>
  until: (check: () => Promise<boolean> | boolean, ms?: number) => Promise<boolean>
  /** CSP violations and page errors seen by any page: a test ends by asserting there were none */
  problems: string[]
  /** stops the service and starts it again on the same store with `sources` changed (a fixed secret); `url` follows */
  restart: (sources: Record<string, unknown>) => Promise<void>
}

export interface ConsoleOptions {
  /** more rules (after the test config's and the harness's) */
  rules?: unknown[]
  /** more or changed sources */
  sources?: Record<string, unknown>
  /** the browser's time zone (emulated), e.g. America/New_York */
  timezone?: string
}

/**
 * The real service (SQLite file, delivery on) against the sandbox, and a real Chromium.
 * Two locations so that a filter can leave something out; contacts not found in
 * HighLevel go dead quickly, which makes dead letters to replay.
 */
export async function startConsole(
  t: Teardown,
  extra: Record<string, unknown> = {},
  opts: ConsoleOptions = {},
): Promise<Console> {
  const sandbox = await startSandbox({ tokens: { [HL_TOKEN]: LOCATION_ID, [SECOND_TOKEN]: SECOND_LOCATION_ID } })
  t.teardown(() => sandbox.close())
  const storeUrl = `sqlite:${join(tempDir(t), 'console.db')}`
  const configWith = (sources: Record<string, unknown>) =>
    testConfig({
      storeUrl,
      baseUrl: sandbox.url,
      delivery: { contactNotFoundRetryHours: 0.00001, retryMaxAttempts: 2 },
      locations: {
        second: { locationId: SECOND_LOCATION_ID, auth: { type: 'private-integration', token: SECOND_TOKEN } },
      },
      sources: { shop: { location: 'second', verify: { type: 'none' } }, ...sources },
      rules: [
        {
          name: 'big-order',
          source: 'forms',
          when: { field: 'total', gte: 100 },
          contact: { email: 'email' },
          tags: ['big-spender'],
        },
        { name: 'shop-buyer', source: 'shop', contact: { email: 'email' }, tags: ['buyer'] },
        ...((opts.rules ?? []) as []),
      ],
      extra: { admin: { token: ADMIN_TOKEN, viewerToken: VIEWER_TOKEN }, ...extra },
    })
  let service = await startService({ config: configWith(opts.sources ?? {}), logStream: captureLogs().stream })
  t.teardown(() => service.close())

  const browser = await browserContext(t, opts.timezone)
  mkdirSync(SCREENSHOTS, { recursive: true })

  const problems: string[] = []
  const page = async () => {
    const p = await browser.newPage()
    p.on('console', (m) => {
      // refused calls (401, 403) are expected in these tests: they are counted by URL below
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
    })
    p.on('response', (r) => {
      if (r.status() >= 404) problems.push(`${r.status()} ${r.url()}`)
    })
    p.on('pageerror', (e) => problems.push(String(e)))
    return p
  }
  const post = async (source: string, body: unknown): Promise<string> => {
    const res = await request(`${service.url}/hooks/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
      body: JSON.stringify(body),
    })
    const answer = (await res.body.json()) as { id: string }
    if (res.statusCode !== 202) throw new Error(`POST /hooks/${source}: ${res.statusCode} ${JSON.stringify(answer)}`)
    return answer.id
  }
  const signIn = async (p: Page, token = ADMIN_TOKEN) => {
    await p.goto(`${service.url}/console/sign-in`)
    await p.fill('#token', token)
    await p.keyboard.press('Enter')
    await p.waitForURL(/\/console\/events/)
  }
  const c: Console = {
    service,
    sandbox,
    browser,
    url: service.url,
    page,
    post,
    signIn,
    until: holds,
    problems,
    restart: async (sources) => {
      await service.close()
      service = await startService({
        config: configWith({ ...opts.sources, ...sources }),
        logStream: captureLogs().stream,
      })
      c.service = service
      c.url = service.url
    },
  }
  return c
}

export const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}
const VIEWPORT = { width: 1200, height: 900 }
let shared: Promise<Browser> | undefined

/**
 * A fresh browser context (no cookies, storage or cache from another test) in a real
 * Chromium. In a batch of test files (scripts/run-tests/batch.mjs) the Chromium is the
 * batch's, started by the first file that asks and closed by the batch at its end: a start
 * costs about 1.6 s of CPU, most of a short browser file's own. A file run on its own
 * starts a Chromium of its own, with a fresh profile, and closes it at the test's end.
 */
async function browserContext(t: Teardown, timezone?: string): Promise<BrowserContext> {
  const zone = timezone ? { timezoneId: timezone } : {}
  const batch = (globalThis as Record<symbol, BatchScope | undefined>)[Symbol.for('tagrelay.test-batch')]
  if (batch) {
    shared ??= chromium.launch(LAUNCH).then((b) => {
      batch.atEnd(() => b.close())
      return b
    })
    const context = await (await shared).newContext({ viewport: VIEWPORT, ...zone })
    t.teardown(() => context.close())
    return context
  }
  const profile = mkdtempSync(join(tmpdir(), 'tagrelay-chromium-'))
  // a fresh profile per run: no state from an earlier run, nothing fetched from Google
  const context = await chromium.launchPersistentContext(profile, { ...LAUNCH, viewport: VIEWPORT, ...zone })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return context
}

/** What scripts/run-tests/batch.mjs offers the files it runs in one process. */
interface BatchScope {
  atEnd(close: () => Promise<unknown>): void
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, which the page's CSP does not govern
  await page.evaluate(axeSource)
  const found = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }>
        }
      }
    ).axe
    const { violations } = await axe.run()
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }))
  })
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(' ')}`)
}

/** A full-page screenshot for the docs, and one at 360 px wide; answers whether 360 px overflows. */
export async function screenshots(page: Page, name: string): Promise<{ overflowAt360: boolean }> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
  const size = page.viewportSize()
  await page.setViewportSize({ width: 360, height: 740 })
  const overflowAt360 = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth > 360,
  )
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-360.png`) })
  if (size) await page.setViewportSize(size)
  return { overflowAt360 }
}
