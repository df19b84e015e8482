import t from 'tap'
import { LOCATION_ID } from '../helpers/build.js'
import { screenshots, seriousViolations, skipReason, startConsole } from './harness.js'

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test('find an event by contact email, open it, read why a tag is missing; the list updates live', async (t) => {
    const c = await startConsole(t)
    c.sandbox.seedContact({ locationId: LOCATION_ID, email: 'ada@example.com' })
    await c.post('forms', { type: 'signup', email: 'ada@example.com' })
    const small = await c.post('forms', { type: 'order', email: 'ada@example.com', total: 80 })
    await c.post('forms', { type: 'order', email: 'ada@example.com', total: 150 })
    await c.post('forms', { type: 'signup', email: 'grace@example.com' })
    t.ok(await c.until(async () => (await c.service.store.housekeeping.countJobs('pending')) === 0), 'delivery settled')

    const page = await c.page()
    await c.signIn(page)
    await page.getByRole('table', { name: /Events/ }).waitFor()
    await page.getByLabel('Contact (email, phone or id)').fill('ADA@example.com')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/contact=ADA%40example.com/)
    await page.getByText('3 events shown.').waitFor()
    const rows = page.locator('tbody tr')
    t.equal(await rows.count(), 3, "ada's three events, grace's left out")
    t.same(await seriousViolations(page), [], 'events page: no serious or critical accessibility violation')
    t.notOk((await screenshots(page, 'events')).overflowAt360, 'events page fits 360 px')

    // the one without a tag: open it and read why
    await rows.filter({ hasText: 'none' }).getByRole('link').click()
    await page.waitForURL(new RegExp(`/console/events/${small}$`))
    const why = await page.locator('#why').textContent()
    t.match(why, /No tag: .*rule big-order did not match: total was 80, needs ≥ 100/, `the why sentence: ${why}`)
    t.match(
      await page.locator('.rules').textContent(),
      /total gte 100: found 80/,
      'each condition with the value found',
    )
    await page.getByRole('button', { name: 'Dry run' }).click()
    await page.getByText('Dry run done: nothing was queued.').waitFor()
    t.same(await seriousViolations(page), [], 'event page: no serious or critical accessibility violation')
    t.notOk((await screenshots(page, 'event-no-tag')).overflowAt360, 'event page fits 360 px')

    // a delivered one: when it was added, and HighLevel's answers in the timeline
    await page.goBack()
    await page.getByText('3 events shown.').waitFor()
    await rows.filter({ hasText: 'big-spender' }).getByRole('link').click()
    await page
      .locator('#why')
      .getByText(/big-spender added at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
      .waitFor()
    t.ok(await page.locator('.timeline li').first().isVisible(), 'the attempts timeline')
    t.match(
      await page.locator('.timeline').first().innerText(),
      /attempt 1: done HTTP 200 in \d+ ms[\s\S]*rate limit: \d+ of \d+ left in the burst window, \d+ of \d+ today/,
      "status, time taken and HighLevel's rate-limit headers",
    )
    await screenshots(page, 'event')

    // live: a new event for ada appears on the open list without a reload
    await page.goto(`${c.url}/console/events?contact=ada%40example.com`)
    await page.getByText('3 events shown.').waitFor()
    await c.post('forms', { type: 'signup', email: 'ada@example.com', n: 4 })
    await page.getByText('1 new event arrived.').waitFor({ timeout: 15_000 })
    t.equal(await rows.count(), 4, 'prepended on top')
    t.same(c.problems, [], 'no CSP violation, script error or failed load')
  })
}
