import t from 'tap'
import { request } from 'undici'
import { ADMIN_TOKEN, LOCATION_ID } from '../helpers/build.js'
import { skipReason, startConsole } from './harness.js'

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test('a portal link opens the console in its scope once; opened again, the page says so', async (t) => {
    const c = await startConsole(t)
    const made = await request(`${c.url}/admin/portal-links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: { kind: 'locations', locationIds: [LOCATION_ID] }, role: 'viewer' }),
    })
    t.equal(made.statusCode, 201)
    const { url } = (await made.body.json()) as { url: string }

    const page = await c.page()
    await page.goto(url)
    await page.waitForURL(/\/console\/events$/)
    await page.locator('#scope', { hasText: 'main' }).waitFor()
    t.equal(await page.locator('#who').innerText(), 'Viewer (read-only)', 'the role beside the scope')
    t.equal(await page.getByRole('link', { name: 'Alerts' }).count(), 0, 'no Alerts page in a scope')
    await page.goto(`${c.url}/console/locations`)
    await page.locator('#status', { hasText: /Locations 1 to 1 of 1\./ }).waitFor()
    t.notOk((await page.locator('#app').innerText()).includes('second'), 'only the scope’s location is listed')

    const again = await c.browser.newPage()
    await again.goto(url)
    await again.locator('#portal-message', { hasText: 'This link was already used' }).waitFor()
    t.notOk(again.url().includes('#'), 'the secret is taken out of the address bar')
    t.same(c.problems, [], 'no CSP violation or script error')
  })
}
