import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import CryptoJS from 'crypto-js'
import { chromium, type Frame, type Page, type Response } from 'playwright-core'
import t from 'tap'
import { startSandbox } from '../../src/sandbox/index.js'
import { startService } from '../../src/service.js'
import { CLIENT, COMPANY, hook, install, SECRET as CLIENT_SECRET, until } from '../helpers/agency.js'
import { ADMIN_TOKEN, captureLogs, HL_TOKEN, LOCATION_ID, tempDir, testConfig } from '../helpers/build.js'
import { LAUNCH, SCREENSHOTS, seriousViolations, skipReason } from './harness.js'

// The console framed in HighLevel, end to end in Chromium: the sandbox's /custom-page plays
// HighLevel's window on another site (localhost) than tagrelay (127.0.0.1), third-party
// cookies are blocked, and every user context is made here with CryptoJS (as HighLevel's
// example does), apart from tagrelay's own decryption.
const SHARED_SECRET = 'hl-app-shared-secret-5e0c2a7f'
const OTHER_COMPANY = 'agencyCompanyOther01'
const encrypt = (value: object, secret = SHARED_SECRET) =>
  CryptoJS.AES.encrypt(JSON.stringify(value), secret).toString()

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(240_000)
  t.test('HighLevel users see their scope in the frame; refused payloads see only the refusal', async (t) => {
    const sandbox = await startSandbox({
      tokens: { [HL_TOKEN]: LOCATION_ID },
      oauthClients: { [CLIENT]: CLIENT_SECRET },
    })
    t.teardown(() => sandbox.close())
    const parentOrigin = `http://localhost:${sandbox.port}`
    const config = testConfig({
      storeUrl: `sqlite:${join(tempDir(t), 'sso.db')}`,
      baseUrl: sandbox.url,
      delivery: { contactNotFoundRetryHours: 0.00001, retryMaxAttempts: 2 },
      sources: { agency: { location: { from: 'url' }, verify: { type: 'none' } } },
      rules: [{ name: 'agency lead', source: 'agency', contact: { email: 'email' }, tags: ['agency-lead'] }],
      extra: {
        admin: { token: ADMIN_TOKEN },
        highlevel: {
          baseUrl: sandbox.url,
          timeoutMs: 2000,
          locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
          app: {
            clientId: CLIENT,
            clientSecret: CLIENT_SECRET,
            redirectUrl: 'https://tags.example.com/oauth/callback',
            userType: 'Company',
            installBaseUrl: sandbox.url,
            webhookPublicKey: sandbox.webhookPublicKey,
            sharedSecret: SHARED_SECRET,
            customPage: { frameOrigins: [parentOrigin] },
          },
        },
      },
    })
    const service = await startService({ config, logStream: captureLogs().stream })
    t.teardown(() => service.close())

    // two agencies install the app: A with two sub-accounts, the other with one
    const [a1, a2] = sandbox.addCompanyLocations(COMPANY, 2, 'locA') as [string, string]
    sandbox.chooseInstall({ userType: 'Company', companyId: COMPANY, locationIds: [a1, a2], installWebhook: 'none' })
    t.equal((await install(service)).status, 200, 'agency A installed')
    const [b1] = sandbox.addCompanyLocations(OTHER_COMPANY, 1, 'locB') as [string]
    sandbox.chooseInstall({ userType: 'Company', companyId: OTHER_COMPANY, locationIds: [b1], installWebhook: 'none' })
    t.equal((await install(service)).status, 200, 'the other agency installed')

    // one event per location; nobody is in HighLevel for a1's, so it becomes a dead letter
    sandbox.seedContact({ locationId: a2, email: 'a2@example.com' })
    sandbox.seedContact({ locationId: b1, email: 'b1@example.com' })
    for (const [loc, email] of [
      [a1, 'a1@example.com'],
      [a2, 'a2@example.com'],
      [b1, 'b1@example.com'],
    ])
      t.equal((await hook(service, loc!, email!)).status, 202, `an event at ${email}`)
    await until(t, "a1's dead letter", async () => (await service.store.housekeeping.countJobs('dead')) === 1)
    await until(t, 'the others delivered', async () => (await service.store.housekeeping.countJobs('pending')) === 0)

    // Chromium with third-party cookies blocked, in a fresh profile
    const profile = mkdtempSync(join(tmpdir(), 'tagrelay-chromium-'))
    mkdirSync(join(profile, 'Default'), { recursive: true })
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { block_third_party_cookies: true, cookie_controls_mode: 1 } }),
    )
    const browser = await chromium.launchPersistentContext(profile, {
      ...LAUNCH,
      viewport: { width: 1280, height: 960 },
      args: [...LAUNCH.args, '--test-third-party-cookie-phaseout'],
    })
    t.teardown(async () => {
      await browser.close()
      rmSync(profile, { recursive: true, force: true })
    })
    const problems: string[] = []
    const open = async (payload: string, path = '/console/highlevel'): Promise<{ page: Page; frame: Frame }> => {
      const page = await browser.newPage()
      const blockedOnPurpose = path !== '/console/highlevel'
      page.on('pageerror', (e) => problems.push(String(e)))
      page.on('console', (m) => {
        if (blockedOnPurpose) return
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
      })
      const target = encodeURIComponent(`${service.url}${path}`)
      await page.goto(`${parentOrigin}/custom-page?payload=${encodeURIComponent(payload)}&target=${target}`)
      const handle = await page.waitForSelector('iframe')
      const frame = (await handle.contentFrame()) as Frame
      return { page, frame }
    }
    const person = { userId: 'hlUser00000000000001', companyId: COMPANY, userName: 'Ada', email: 'ada@example.com' }
    const listed = async (frame: Frame) => frame.locator('tbody').innerText()

    await t.test('a location user of A1: only A1, read-only', async (t) => {
      const { page, frame } = await open(encrypt({ ...person, role: 'user', type: 'account', activeLocation: a1 }))
      await frame.waitForURL(/\/console\/highlevel\/events$/)
      await frame.getByText('a1@example.com').first().waitFor()
      const rows = await listed(frame)
      t.notMatch(rows, /a2@example\.com|b1@example\.com/, 'nothing of another location')
      t.match(await frame.locator('#who').innerText(), /Viewer \(read-only\)/)
      t.same(
        await frame.evaluate(() => {
          const d = (globalThis as unknown as { document: { cookie: string } }).document
          d.cookie = 'probe=1; SameSite=Lax'
          return d.cookie
        }),
        '',
        'third-party cookies are blocked in the frame (and none is needed)',
      )
      t.same(await seriousViolations(frame as unknown as Page), [], 'the framed events page: axe clean')
      await frame.getByRole('link', { name: 'Dead letters' }).click()
      await frame.waitForURL(/\/console\/highlevel\/dead-letters$/)
      const replay = frame.getByRole('button', { name: /^Replay dead letter/ })
      await replay.waitFor()
      t.ok(await replay.isDisabled(), 'no replay for a viewer')
      t.equal(
        await page.locator('body').getAttribute('data-answered'),
        '2',
        'HighLevel was asked once per page (the frame is denied storage)',
      )
      await page.close()
    })

    await t.test('a location admin of A1 replays its dead letter', async (t) => {
      const { page, frame } = await open(encrypt({ ...person, role: 'admin', type: 'account', activeLocation: a1 }))
      await frame.waitForURL(/\/console\/highlevel\/events$/)
      await frame.getByRole('link', { name: 'Dead letters' }).click()
      await frame.getByText('1 dead letter(s).').waitFor()
      t.same(await seriousViolations(frame as unknown as Page), [], 'the framed dead letters page: axe clean')
      sandbox.seedContact({ locationId: a1, email: 'a1@example.com' })
      await frame.getByRole('button', { name: /^Replay dead letter/ }).click()
      await frame.getByText(/Replayed 1 of 1 dead letter/).waitFor()
      await until(t, 'the replay delivered', async () => (await service.store.housekeeping.countJobs('dead')) === 0)
      t.pass('replayed from the frame')
      await page.close()
    })

    await t.test('an agency admin sees every location of the company, not the other agency', async (t) => {
      const { page, frame } = await open(encrypt({ ...person, role: 'admin', type: 'agency' }))
      await frame.waitForURL(/\/console\/highlevel\/events$/)
      await frame.getByText('a2@example.com').first().waitFor()
      const rows = await listed(frame)
      t.match(rows, /a1@example\.com/)
      t.notMatch(rows, /b1@example\.com/, "nothing of the other agency's locations")
      mkdirSync(SCREENSHOTS, { recursive: true })
      await page.screenshot({ path: join(SCREENSHOTS, 'highlevel-custom-page.png') })
      await page.close()
    })

    const refusals: Array<[string, string, RegExp]> = [
      [
        'another secret',
        encrypt({ ...person, role: 'admin', type: 'agency' }, 'another-apps-shared-secret'),
        /PAYLOAD_UNREADABLE/,
      ],
      [
        'a tampered payload',
        (() => {
          const raw = Buffer.from(encrypt({ ...person, role: 'user', type: 'account', activeLocation: a1 }), 'base64')
          raw[20]! ^= 0x01
          return raw.toString('base64')
        })(),
        /PAYLOAD_UNREADABLE/,
      ],
      [
        'a location of another company',
        encrypt({ ...person, role: 'admin', type: 'account', activeLocation: b1 }),
        /NOT_INSTALLED/,
      ],
    ]
    for (const [what, payload, code] of refusals)
      await t.test(`${what}: the refusal page and nothing else`, async (t) => {
        const { page, frame } = await open(payload)
        await frame.getByText('tagrelay cannot open here').waitFor()
        t.match(await frame.locator('#app').innerText(), code)
        t.equal(await frame.locator('header, nav, table').count(), 0, 'no navigation, no data')
        t.same(await seriousViolations(frame as unknown as Page), [], 'the refusal: axe clean')
        await page.close()
      })

    await t.test('an ended session is opened again from HighLevel; a stale one is refused', async (t) => {
      const sessions: string[] = []
      const seen = (r: Response) => {
        if (r.url().endsWith('/admin/sso/highlevel') && r.ok())
          void r.json().then((b: { session: string }) => sessions.push(b.session))
      }
      browser.on('response', seen)
      t.teardown(() => browser.off('response', seen))
      const { page, frame } = await open(encrypt({ ...person, role: 'user', type: 'account', activeLocation: a1 }))
      await frame.waitForURL(/\/console\/highlevel\/events$/)
      await frame.getByText('a1@example.com').first().waitFor()
      await until(t, 'the session seen', () => sessions.length === 1)
      const revoke = async (value: string) => {
        const [, , nonce] = JSON.parse(Buffer.from(value.split('.')[0]!, 'base64url').toString()) as string[]
        await service.store.sessions.revoke(nonce!, Date.now())
      }
      // signed out behind its back: the list's next refresh asks HighLevel again and goes on
      await revoke(sessions[0]!)
      await until(t, 'a second sign-in', () => sessions.length === 2, 20_000)
      await frame.getByText('a1@example.com').first().waitFor()
      t.equal(await frame.getByText('tagrelay cannot open here').count(), 0, 'no refusal')
      // the app is uninstalled from the location meanwhile: asking again is refused, and said so
      await service.store.directory.removeLocation(a1, 'uninstalled in the test', Date.now())
      await revoke(sessions[1]!)
      await frame.getByText('tagrelay cannot open here').waitFor({ timeout: 20_000 })
      t.match(await frame.locator('#app').innerText(), /NOT_INSTALLED/)
      t.equal(await frame.locator('header, nav, table').count(), 0, 'the list is gone')
      await page.close()
    })

    await t.test('the console outside the frame still refuses to be framed', async (t) => {
      const { page, frame } = await open('x', '/console/events')
      await until(
        t,
        'the frame blocked',
        async () => frame.url() === 'about:blank' || frame.url().startsWith('chrome-error'),
      )
      t.pass(`blocked (${frame.url()})`)
      await page.close()
    })
    t.same(problems, [], 'no page error, no CSP violation')
  })
}
