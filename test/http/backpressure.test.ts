import t from 'tap'
import { ADMIN_TOKEN, build, SOURCE_TOKEN } from '../helpers/build.js'
import { sample } from '../helpers/metrics.js'

/**
 * Waits for under-pressure's next sample to see the pressure: asks /hooks without a valid
 * token (401 when not refused, nothing stored) until it answers 503. The one 503 it gets
 * counts in the metrics like any refused request.
 */
async function untilRefused(app: { inject: (o: typeof hook) => Promise<{ statusCode: number }> }): Promise<void> {
  const probe = { ...hook, headers: { ...hook.headers, 'x-tagrelay-token': 'not-the-token' } }
  for (let i = 0; (await app.inject(probe)).statusCode !== 503; i++) {
    if (i > 100_000) throw new Error('under-pressure never saw the pressure')
    await new Promise<void>((r) => setImmediate(r))
  }
}

const hook = {
  method: 'POST' as const,
  url: '/hooks/forms',
  headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
  payload: { type: 'signup', email: 'a@example.com' },
}

t.test(
  'under memory pressure /hooks answers 503 TAGRELAY_OVERLOADED with Retry-After; probes, metrics and admin still answer',
  async (t) => {
    // a 1-byte heap threshold: the process is always "over" it once the first sample is taken
    const { app, store } = await build(t, {
      extra: {
        admin: { token: ADMIN_TOKEN },
        overload: { maxHeapUsedBytes: 1, maxEventLoopDelayMs: 0, retryAfterSec: 7, sampleIntervalMs: 10 },
      },
    })
    await untilRefused(app)
    const res = await app.inject(hook)
    t.equal(res.statusCode, 503)
    t.equal(res.headers['retry-after'], '7')
    t.same(res.json(), {
      statusCode: 503,
      code: 'TAGRELAY_OVERLOADED',
      message: 'tagrelay is overloaded; retry after 7 s',
    })
    t.equal(await store.housekeeping.countEvents(), 0, 'nothing stored')
    t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
    t.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
    t.equal(
      (await app.inject({ url: '/admin/locations', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode,
      200,
    )
    const metrics = (await app.inject({ url: '/metrics' })).body
    // two: the wait's probe and the request above
    t.equal(sample(metrics, 'tagrelay_requests_total', { source: 'forms', outcome: 'unavailable' }), 2)
    t.equal(sample(metrics, 'tagrelay_rejections_total', { source: 'forms', code: 'TAGRELAY_OVERLOADED' }), 2)
  },
)

t.test('a blocked event loop trips the delay threshold', async (t) => {
  // samples every 100 ms: the one right after the block sees it, the request comes before the next
  const { app } = await build(t, {
    extra: { overload: { maxEventLoopDelayMs: 20, sampleIntervalMs: 100, retryAfterSec: 3 } },
  })
  t.equal((await app.inject(hook)).statusCode, 202, 'healthy first')
  const until = Date.now() + 300
  while (Date.now() < until) {
    // block the loop for 300 ms
  }
  await untilRefused(app)
  const res = await app.inject(hook)
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '3')
})

t.test('overload.enabled: false never refuses', async (t) => {
  // off, nothing samples: no wait can change the answer
  const { app } = await build(t, { extra: { overload: { enabled: false, maxHeapUsedBytes: 1 } } })
  t.equal((await app.inject(hook)).statusCode, 202)
})
