import { join } from 'node:path'
import t from 'tap'
import { until } from '../helpers/until.js'
import { request } from 'undici'
import { startService } from '../../src/service.js'
import { slackReceiver } from '../alerts/receivers.js'
import { captureLogs, tempDir, testConfig } from '../helpers/build.js'

t.test('the running service alerts on refusals over the threshold, then says when they stopped', async (t) => {
  const slack = await slackReceiver()
  t.teardown(() => slack.close())
  const config = testConfig({
    storeUrl: `sqlite:${join(tempDir(t), 'alerts.db')}`,
    extra: {
      alerts: {
        destinations: { team: { type: 'slack', url: slack.url } },
        checkIntervalMs: 100,
        triggers: { refusals: { threshold: 3, windowMinutes: 0.01, quietMinutes: 60 } },
        retry: { baseMs: 50 },
      },
    },
  })
  const logs = captureLogs()
  const service = await startService({ config, logStream: logs.stream })
  t.teardown(() => service.close())
  for (let i = 0; i < 3; i++) {
    const res = await request(`${service.url}/hooks/forms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': 'wrong-token-000000' },
      body: '{}',
    })
    t.equal(res.statusCode, 401)
    await res.body.dump()
  }
  await until(t, 'the alert and its recovery', () => slack.received.length >= 2)
  const texts = slack.received.map((r) => (JSON.parse(r.body) as { text: string }).text)
  t.match(texts[0], /Source forms: requests refused for their signature or token/)
  t.match(texts[0], /\/console\/refused\?source=forms/, 'the console page to act on')
  t.notMatch(texts[0], /\/admin\//, 'no admin API path')
  t.match(texts[1], /Source forms: refusals stopped/, 'the window passed: a recovery')
  t.notOk(logs.text().includes(slack.url), 'the Slack URL is never logged')
})
