import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/build.js'
import { screenshots, seriousViolations, skipReason, startConsole, VIEWER_TOKEN } from './harness.js'

// the page's globals, inside page.evaluate
declare const document: { activeElement: { id: string; textContent: string | null } | null; cookie: string }
declare const localStorage: object
declare const sessionStorage: object

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test('sign-in, sign-out, a viewer cannot replay, a CSRF attempt from another origin fails', async (t) => {
    const c = await startConsole(t)
    const page = await c.page()

    // without a session every page sends to the sign-in page
    await page.goto(`${c.url}/console/dead-letters`)
    await page.waitForURL(/\/console\/sign-in\?next=%2Fconsole%2Fdead-letters/)
    t.same(await seriousViolations(page), [], 'sign-in page: no serious or critical accessibility violation')
    t.notOk((await screenshots(page, 'sign-in')).overflowAt360, 'sign-in page fits 360 px')

    // a wrong token: said so, focus back on the field
    await page.fill('#token', 'not-the-token-at-all')
    await page.keyboard.press('Enter')
    await page.getByText('wrong token').waitFor()
    t.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'focus back on the token field')

    // by keyboard only: the field has focus, type, Enter; back to the page asked for
    await page.keyboard.type(ADMIN_TOKEN)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/console\/dead-letters$/)
    await page.getByText('Admin', { exact: true }).waitFor()
    const cookies = await page.context().cookies()
    t.match(cookies, [{ name: 'tagrelay_session', httpOnly: true, sameSite: 'Strict' }], 'an HttpOnly, Strict cookie')
    t.ok(cookies[0]!.expires > Date.now() / 1000, 'that expires')
    t.equal(
      await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie),
      '{}{}',
      'nothing readable by scripts: no token in storage, the cookie is HttpOnly',
    )

    // Tab reaches the navigation from the skip link
    await page.keyboard.press('Tab')
    t.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      'Skip to content',
      'the first Tab stop skips to content',
    )
    // and on through the navigation, by keyboard only: brand, Events, Dead letters
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Dead letters', 'Tab reaches the nav')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/console\/dead-letters$/)
    await page.getByText(/dead letter\(s\)\./).waitFor()
    t.pass('Enter follows the link')

    // CSRF: a page on another origin posts to the admin API with the browser's cookie
    const { store } = c.service
    await c.post('shop', { email: 'nobody@example.com' })
    t.ok(await c.until(async () => (await store.housekeeping.countJobs('dead')) === 1), 'a dead letter to protect')
    const evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(`<!doctype html><html lang="en"><title>evil</title><body>
<form id="f" method="POST" action="${c.url}/admin/dead-letters/replay" enctype="text/plain"><input name='{"all":true,"x":"' value='"}'></form>
<script>fetch(${JSON.stringify(`${c.url}/admin/dead-letters/replay`)}, {method: 'POST', mode: 'no-cors', credentials: 'include', headers: {'content-type': 'text/plain'}, body: '{"all":true}'}).finally(() => document.getElementById('f').submit())</script>
</body></html>`)
    })
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r))
    t.teardown(() => evil.close())
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`
    const answers: number[] = []
    page.on('response', (r) => {
      if (r.url().endsWith('/admin/dead-letters/replay')) answers.push(r.status())
    })
    await page.goto(evilUrl)
    // the page's fetch, then its form posting (a navigation): both answered
    await page.waitForURL(/\/admin\/dead-letters\/replay$/)
    await c.until(() => answers.length >= 2)
    t.same(answers, [403, 403], 'both refused')
    t.equal(await store.housekeeping.countJobs('dead'), 1, 'nothing was replayed')

    // sign-out: back to sign-in, and the old cookie no longer opens the API. The click
    // comes while the page still waits for its session (held here until then), as on a
    // slow server: signing out needs the CSRF token that answer carries
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/admin/session', async (route) => {
      if (route.request().method() === 'GET') await held
      await route.continue().catch(() => {}) // the page it was for may be gone
    })
    await page.goto(`${c.url}/console/events`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    release()
    await page.waitForURL(/\/console\/sign-in$/)
    await page.unroute('**/admin/session')
    const after = await page.evaluate(async () => (await fetch('/admin/events')).status)
    t.equal(after, 401, 'signed out')

    // a viewer: the replay buttons are disabled, and the API refuses them anyway
    await c.signIn(page, VIEWER_TOKEN)
    await page.goto(`${c.url}/console/dead-letters`)
    await page.getByText('Viewer (read-only)').waitFor()
    const replay = page.getByRole('button', { name: /^Replay dead letter/ })
    t.ok(await replay.isDisabled(), 'the Replay button is disabled for a viewer')
    t.ok(await page.getByRole('button', { name: /Replay all/ }).isDisabled(), 'so is Replay all')
    const forced = await page.evaluate(async () => {
      const s = (await (await fetch('/admin/session')).json()) as { csrfToken: string }
      const res = await fetch('/admin/dead-letters/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ all: true }),
      })
      return { status: res.status, code: ((await res.json()) as { code: string }).code }
    })
    t.same(forced, { status: 403, code: 'TAGRELAY_ADMIN_READ_ONLY' }, 'the API refuses a viewer')
    t.equal(await store.housekeeping.countJobs('dead'), 1, 'still not replayed')
    t.same(c.problems, [], 'no CSP violation or script error')
  })
}
