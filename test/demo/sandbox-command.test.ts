import t from 'tap'
import { request } from 'undici'
import { faultsFromArgs, runSandbox } from '../../src/demo/sandbox-command.js'

// In process, not spawned: tap instruments child processes too, and a tsx child's
// coverage of src/highlevel would be merged as a separate, mostly-unrun copy.

t.test('fault flags become sandbox fault settings', async (t) => {
  t.same(
    faultsFromArgs({
      'latency-ms': '50',
      'error-rate': ['503=0.1', '429=0.05'],
      'timeout-rate': '0.01',
      'reset-rate': '0',
      outage: '1000:5000',
    }),
    {
      latencyMs: 50,
      timeoutRate: 0.01,
      resetRate: 0,
      errorRates: { 503: 0.1, 429: 0.05 },
      outage: { startsInMs: 1000, durationMs: 5000 },
    },
  )
  t.throws(() => faultsFromArgs({ 'error-rate': ['503'] }), { code: 'TAGRELAY_USAGE', message: /--error-rate/ })
  t.throws(() => faultsFromArgs({ 'latency-ms': 'soon' }), { code: 'TAGRELAY_USAGE' })
  t.throws(() => faultsFromArgs({ outage: '5' }), { code: 'TAGRELAY_USAGE' })
})

t.test('tagrelay sandbox starts with OAuth, faults and a scaled clock, and stops when told', async (t) => {
  const lines: string[] = []
  let stop!: () => void
  const until = new Promise<void>((resolve) => (stop = resolve))
  const running = runSandbox(
    { port: '0', oauth: ['app:secret:LOC1'], 'clock-scale': '100', 'error-rate': ['502=1'] },
    { until, log: (l) => lines.push(l) },
  )
  while (lines.length < 4) await new Promise((r) => setTimeout(r, 10))
  const out = lines.join('\n')
  t.match(out, /HighLevel sandbox listening on http:\/\/127\.0\.0\.1:\d+ for locations ve9EPM428h8vShlRW1KT/)
  t.match(out, /OAuth client app on LOC1: initial refresh token rt-\S+/)
  t.match(out, /the 10 s rate-limit window lasts 100 ms/)
  const url = /listening on (\S+)/.exec(out)?.[1] ?? ''
  const res = await request(`${url}/contacts/search/duplicate?locationId=ve9EPM428h8vShlRW1KT`, {
    headers: { authorization: 'Bearer sandbox-token', version: '2021-07-28' },
  })
  await res.body.dump()
  t.equal(res.statusCode, 502, 'the --error-rate fault is live')
  stop()
  await running
})

t.test('bad sandbox flags are usage errors', async (t) => {
  for (const args of [
    { 'clock-scale': '0' },
    { 'error-rate': ['503=2'] },
    { oauth: ['only-id'] },
    { port: '70000' },
    { token: ['no-equals'] },
    { agency: 'co1:0' },
    { agency: 'co1' },
  ]) {
    await t.rejects(
      runSandbox({ port: '0', ...args }, { until: Promise.resolve(), log: () => undefined }),
      { code: 'TAGRELAY_USAGE' },
      JSON.stringify(args),
    )
  }
})

t.test('tagrelay sandbox --agency: the install page approves an agency with that many locations', async (t) => {
  const lines: string[] = []
  let stop!: () => void
  const until = new Promise<void>((resolve) => (stop = resolve))
  const running = runSandbox(
    { port: '0', oauth: ['app9-c:secret:LOC1'], agency: 'agencyCo:25' },
    { until, log: (l) => lines.push(l) },
  )
  while (!lines.some((l) => l.startsWith('install page'))) await new Promise((r) => setTimeout(r, 10))
  const out = lines.join('\n')
  t.match(out, /installs approve agency agencyCo with 25 locations/)
  const page = /install page: (\S+)/.exec(out)?.[1] ?? ''
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'app9-c',
    redirect_uri: 'http://127.0.0.1:1/cb',
  })
  const res = await request(`${page}?${query}`)
  await res.body.dump()
  t.equal(res.statusCode, 302)
  const code = new URL(String(res.headers.location)).searchParams.get('code') ?? ''
  const tokenRes = await request(page.replace('/oauth/chooselocation', '/oauth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: 'app9-c',
      client_secret: 'secret',
      grant_type: 'authorization_code',
      code,
    }).toString(),
  })
  const body = (await tokenRes.body.json()) as { userType: string; approvedLocations: string[] }
  t.same([body.userType, body.approvedLocations.length], ['Company', 25])
  stop()
  await running
})

t.test('tagrelay sandbox --shared-secret: the Custom Page plays HighLevel with it', async (t) => {
  const lines: string[] = []
  let stop!: () => void
  const until = new Promise<void>((resolve) => (stop = resolve))
  const running = runSandbox(
    { port: '0', 'shared-secret': 'sandbox-shared-secret' },
    { until, log: (l) => lines.push(l) },
  )
  while (!lines.some((l) => l.startsWith('Custom Page'))) await new Promise((r) => setTimeout(r, 10))
  const base = /listening on (\S+)/.exec(lines.join('\n'))?.[1] ?? ''
  const target = encodeURIComponent('http://127.0.0.1:8080/console/highlevel')
  const res = await request(`${base}/custom-page?user=agency-admin&company=agencyCo&target=${target}`)
  t.equal(res.statusCode, 200)
  t.match(await res.body.text(), /data-payload="U2FsdGVkX1/, 'a payload in the OpenSSL salted format')
  stop()
  await running
})
