import t from 'tap'
import { LOCATION_ID } from '../helpers/build.js'
import { screenshots, SECOND_LOCATION_ID, seriousViolations, skipReason, startConsole } from './harness.js'

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test('replay a dead letter and see it delivered; bulk replay by filter; discard', async (t) => {
    const c = await startConsole(t)
    const { store } = c.service
    // nobody is in HighLevel yet: every delivery ends as a dead letter (contact not found)
    for (const n of [1, 2, 3, 4]) await c.post('forms', { type: 'signup', email: `main${n}@example.com` })
    for (const n of [1, 2]) await c.post('shop', { email: `shop${n}@example.com` })
    t.ok(await c.until(async () => (await store.housekeeping.countJobs('dead')) === 6), 'six dead letters')

    const page = await c.page()
    await c.signIn(page)
    await page.goto(`${c.url}/console/dead-letters`)
    await page.getByText('6 dead letter(s).').waitFor()
    // by cause: one group per location, the reason in words, the code beside it
    const groups = await page.locator('.groups li').allInnerTexts()
    t.match(
      groups[0],
      /^4 × the contact was not found in HighLevel at location main/,
      `grouped with counts: ${groups[0]}`,
    )
    t.match(groups[1], /^2 × the contact was not found in HighLevel at location second/)
    t.match(
      await page.locator('tbody tr').first().innerText(),
      /main1@example\.com[\s\S]*the contact was not found in HighLevel/,
      'each row: who, and why in words',
    )
    t.same(await seriousViolations(page), [], 'dead letters page: no serious or critical accessibility violation')
    t.notOk((await screenshots(page, 'dead-letters')).overflowAt360, 'dead letters page fits 360 px')

    // one: the person now exists in HighLevel; replay, and the tag arrives in the sandbox
    const ada = c.sandbox.seedContact({ locationId: LOCATION_ID, email: 'main1@example.com' })
    const row = page.locator('tbody tr').filter({ hasText: 'main1@example.com' })
    await row.getByRole('button', { name: /^Replay dead letter/ }).click()
    await page.getByText(/Replayed 1 of 1 dead letter/).waitFor()
    await page.getByText(/Replayed dead letter \d+: 1 added\./).waitFor({ timeout: 30_000 })
    t.pass('the page followed the replay until HighLevel answered')
    const tagsOf = (id: string) => c.sandbox.listContacts(LOCATION_ID).find((x) => x.id === id)?.tags ?? []
    t.ok(await c.until(() => tagsOf(ada.id).includes('lead')), 'delivered in the sandbox after the replay')
    t.ok(await c.until(async () => (await store.housekeeping.countJobs('dead')) === 5), 'five left')

    // all that match a filter: the count first, then progress; the other location untouched
    for (const n of [2, 3, 4]) c.sandbox.seedContact({ locationId: LOCATION_ID, email: `main${n}@example.com` })
    await page.goto(`${c.url}/console/dead-letters?location=main`)
    await page.getByText('3 dead letter(s) (location main).').waitFor()
    page.once('dialog', (d) => {
      t.equal(d.message(), 'Replay 3 dead letter(s) (location main)?', 'asks with the count first')
      void d.accept()
    })
    await page.getByRole('button', { name: 'Replay all 3 matching' }).click()
    await page.getByText(/Replayed 3 of 3 dead letters \(location main\): queued again for delivery/).waitFor()
    await page.getByText('0 dead letter(s) (location main).').waitFor()
    t.pass('the list is read again after the run')
    t.ok(
      await c.until(() => c.sandbox.listContacts(LOCATION_ID).filter((x) => x.tags.includes('lead')).length === 4),
      'the three delivered',
    )
    t.equal(await store.housekeeping.countJobs('dead'), 2, "the other location's two stay dead")

    // discard, after a confirmation that can be declined
    await page.goto(`${c.url}/console/dead-letters`)
    await page.getByText('2 dead letter(s).').waitFor()
    await page
      .getByRole('checkbox', { name: /^Select dead letter/ })
      .first()
      .check()
    page.once('dialog', (d) => void d.dismiss())
    await page.getByRole('button', { name: 'Discard selected' }).click()
    t.equal(await store.housekeeping.countJobs('dead'), 2, 'declined: nothing discarded')
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('button', { name: 'Discard selected' }).click()
    await page.getByText('Discarded 1 dead letter(s).').waitFor()
    t.equal(await store.housekeeping.countJobs('dead'), 1, 'accepted: one discarded')
    t.ok(c.sandbox.listContacts(SECOND_LOCATION_ID).length === 0, 'nothing sent to the other location')
    t.same(c.problems, [], 'no CSP violation, script error or failed load')
  })
}
