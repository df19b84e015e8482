import t from 'tap'
import { request } from 'undici'
import { slackReceiver } from '../alerts/receivers.js'
import { ADMIN_TOKEN } from '../helpers/build.js'
import { screenshots, seriousViolations, skipReason, startConsole, VIEWER_TOKEN } from './harness.js'

const skip = skipReason()
if (skip) t.plan(0, skip)
else {
  t.setTimeout(180_000)
  t.test(
    'refused requests: listed with the contact, inspected without the credential, re-verified; alerts listed',
    async (t) => {
      const slack = await slackReceiver()
      t.teardown(() => slack.close())
      const c = await startConsole(t, {
        alerts: {
          destinations: { team: { type: 'slack', url: slack.url } },
          checkIntervalMs: 100,
          triggers: { refusals: { threshold: 1 } },
        },
      })
      const refused = await request(`${c.url}/hooks/forms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tagrelay-token': 'a-rotated-token-9f8e7d6c' },
        body: JSON.stringify({ email: 'grace@example.com', total: 150 }),
      })
      await refused.body.dump()
      t.equal(refused.statusCode, 401)
      t.ok(await c.until(() => slack.received.length > 0), 'the refusal raised an alert at the Slack receiver')
      const alert = JSON.parse(slack.received[0]!.body).text as string
      t.match(
        alert,
        /\/console\/refused\?source=forms&amp;status=refused/,
        'the alert links to the console page to act on (& escaped as Slack asks)',
      )
      t.notMatch(alert, /\/admin\//, 'and to no admin API path')
      t.match(alert, /signature or token did not match/, 'in words')

      const page = await c.page()
      await c.signIn(page)
      await page.goto(`${c.url}/console/refused`)
      await page.getByText('grace@example.com').waitFor()
      await page.getByRole('button', { name: 'Inspect' }).click()
      await page.getByRole('heading', { name: /^Request / }).waitFor()
      const shown = await page.locator('#app').innerText()
      t.notMatch(shown, /a-rotated-token-9f8e7d6c/, 'the refused credential is never shown')
      t.match(shown, /"total":150|"total": 150/, 'the body as kept')
      t.same(await seriousViolations(page), [], 'refused page: no serious or critical accessibility violation')
      t.notOk((await screenshots(page, 'refused')).overflowAt360, 'refused page fits 360 px')

      // the token is still wrong: re-verify says so and nothing becomes an event
      await page.getByRole('button', { name: 'Re-verify', exact: true }).click()
      await page.getByText(/still refused/i).waitFor()
      const events = await request(`${c.url}/admin/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      t.equal(((await events.body.json()) as { events: unknown[] }).events.length, 0, 'no event was accepted')

      await page.goto(`${c.url}/console/alerts`)
      await page
        .getByText(/refusals/)
        .first()
        .waitFor()
      t.match(await page.locator('#app').innerText(), /team/, 'the destination is named')
      t.same(await seriousViolations(page), [], 'alerts page: no serious or critical accessibility violation')
      t.notOk((await screenshots(page, 'alerts')).overflowAt360, 'alerts page fits 360 px')

      // a viewer sees the list but cannot re-verify
      const viewer = await c.browser.newPage()
      await c.signIn(viewer, VIEWER_TOKEN)
      await viewer.goto(`${c.url}/console/refused`)
      await viewer.getByText('grace@example.com').waitFor()
      t.ok(
        await viewer.getByRole('button', { name: 'Re-verify', exact: true }).isDisabled(),
        'a viewer cannot re-verify',
      )

      const reverifyRefusals = c.problems.filter((p) => /^422 .*\/reverify$/.test(p))
      t.equal(reverifyRefusals.length, 1, 'the one 422 is the re-verify that was still refused')
      t.same(
        c.problems.filter((p) => !reverifyRefusals.includes(p)),
        [],
        'no other console error, CSP violation or failed call',
      )
    },
  )
}
