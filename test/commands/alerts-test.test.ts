import { randomBytes } from 'node:crypto'
import t from 'tap'
import { alertsSchema } from '../../src/alerts/index.js'
import { runAlertsTest } from '../../src/commands/alerts-test.js'
import { slackReceiver, standardWebhooksReceiver } from '../alerts/receivers.js'

t.test('tagrelay alerts test sends a sample to every destination and names the one that failed', async (t) => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  const slack = await slackReceiver()
  const hook = await standardWebhooksReceiver(secret)
  t.teardown(() => slack.close())
  t.teardown(() => hook.close())
  const ok = await runAlertsTest(
    alertsSchema.parse({
      destinations: { team: { type: 'slack', url: slack.url }, pager: { type: 'webhook', url: hook.url, secret } },
    }),
  )
  t.same(ok, { ok: true, lines: ['team (slack): sent', 'pager (webhook): sent'] })
  t.equal(slack.received.length, 1)
  t.equal(hook.received.length, 1)
  t.same(hook.rejected, [])

  const wrong = `whsec_${randomBytes(24).toString('base64')}`
  const bad = await runAlertsTest(
    alertsSchema.parse({ destinations: { pager: { type: 'webhook', url: hook.url, secret: wrong } } }),
  )
  t.same(bad, { ok: false, lines: ['pager (webhook): FAILED: alert destination "pager": HTTP 401'] })
  t.notOk(bad.lines.join('').includes(hook.url), 'no URL in the output')
  t.same(await runAlertsTest(alertsSchema.parse({})), {
    ok: false,
    lines: ['no alert destinations configured (alerts.destinations)'],
  })
})
