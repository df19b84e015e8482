import t from 'tap'
import { LOCATION_ID } from '../helpers/build.js'
import { screenshots, seriousViolations, skipReason, startConsole } from './harness.js'

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test('the rules tester, on a pasted payload and on a stored event; the locations page', async (t) => {
    const c = await startConsole(t)
    c.sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
    await c.post('forms', { type: 'signup', email: 'ada@example.com' })
    const stored = await c.post('forms', { type: 'order', email: 'ada@example.com', total: 80 })
    t.ok(await c.until(async () => (await c.service.store.housekeeping.countJobs('done')) === 1), 'delivered')

    const page = await c.page()
    await c.signIn(page)
    await page.getByRole('link', { name: 'Rules' }).click()
    await page.waitForURL(/\/console\/rules$/)
    const signup = page.getByRole('row').filter({ hasText: 'signup' }).first()
    await signup.waitFor()
    t.match(await signup.innerText(), /signup\s+forms\s+lead Signed\s+Up\s+1\b/, 'each rule with its match count')

    // a pasted payload
    await page.getByLabel('Source').selectOption('forms')
    await page.getByLabel('Payload (JSON)').fill('{"type": "order", "email": "bob@example.com", "total": 120}')
    await page.getByRole('button', { name: 'Test' }).click()
    await page.getByRole('heading', { name: /Would add: big-spender/ }).waitFor()
    t.match(await page.locator('#test-result .rules').innerText(), /total gte 100: found 120/, 'per condition')

    // a stored event's payload, judged by the rules in force
    await page.getByLabel('Load a stored event (id)').fill(stored)
    await page.getByRole('button', { name: 'Load' }).click()
    await page.getByText(`Loaded the payload of event ${stored}.`).waitFor()
    await page.getByRole('button', { name: 'Test' }).click()
    await page.getByRole('heading', { name: 'Would add no tag' }).waitFor()
    t.match(await page.locator('#test-result .rules').innerText(), /total gte 100: found 80/, 'why not, per condition')
    await page.getByLabel('Payload (JSON)').fill('{not json')
    await page.getByRole('button', { name: 'Test' }).click()
    await page
      .locator('#test-result')
      .getByText(/The payload is not JSON/)
      .waitFor()
    t.equal(await page.locator('#test-result .rules').count(), 0, 'the old result is cleared after a JSON error')
    t.same(await seriousViolations(page), [], 'rules page: no serious or critical accessibility violation')
    await page.getByLabel('Payload (JSON)').fill('{"type": "order", "email": "bob@example.com", "total": 120}')
    await page.getByRole('button', { name: 'Test' }).click()
    await page.getByRole('heading', { name: /Would add: big-spender/ }).waitFor()
    t.notOk((await screenshots(page, 'rules')).overflowAt360, 'rules page fits 360 px')

    await page.getByRole('link', { name: 'Locations' }).click()
    const row = page.getByRole('row').filter({ hasText: LOCATION_ID })
    await row.waitFor()
    const main = await row.innerText()
    t.match(main, /main[\s\S]*delivering[\s\S]*\b0\b[\s\S]*\b0\b[\s\S]*none/, `its state and queue: ${main}`)
    t.match(main, /private-integration: static token/, 'its auth state')
    t.match(main, /\d+ of \d+ now; \d+ of \d+ today/, 'its rate budget')
    t.match(await page.locator('#status').innerText(), /Locations 1 to 2 of 2\./, 'paged, with the total')
    await page.getByRole('button', { name: 'Location' }).click()
    await page.getByRole('columnheader', { name: /Location ▲/ }).waitFor()
    t.match(page.url(), /sort=name&order=asc/, 'sorted by name, the sort in the address')
    t.same(await seriousViolations(page), [], 'locations page: no serious or critical accessibility violation')
    t.notOk((await screenshots(page, 'locations')).overflowAt360, 'locations page fits 360 px')
    t.same(c.problems, [], 'no CSP violation, script error or failed load')
  })
}
