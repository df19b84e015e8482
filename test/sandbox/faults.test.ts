import t from 'tap'
import { request } from 'undici'
import {
  HighLevelClient,
  HighLevelError,
  HighLevelNetworkError,
  HighLevelRateLimitedError,
  HighLevelRequestError,
  HighLevelServerError,
  HighLevelTimeoutError,
  PrivateIntegrationAuth,
} from '../../src/highlevel/index.js'
import { LOC_MAIN, sandboxFor, TOKEN_MAIN } from '../highlevel/fixtures/helpers.js'
import { ManualClock } from '../helpers/manual-clock.js'

const pit = new PrivateIntegrationAuth(LOC_MAIN, TOKEN_MAIN)
const failure = (p: Promise<unknown>): Promise<HighLevelError> =>
  p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => {
      if (err instanceof HighLevelError) return err
      throw err
    },
  )

t.test('429 with and without Retry-After: retryable either way, the delay only when given', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const c = sandbox.seedContact({ locationId: LOC_MAIN })
  sandbox.setFaults({ retryAfterSec: 7 })
  sandbox.failNext(429)
  const withHeader = await failure(client.addTags(pit, c.id, ['a']))
  t.type(withHeader, HighLevelRateLimitedError)
  t.match(withHeader, { retryable: true, status: 429, retryAfterMs: 7000 })
  sandbox.setFaults({ retryAfterSec: null })
  sandbox.failNext(429)
  const without = await failure(client.addTags(pit, c.id, ['a']))
  t.match(without, { retryable: true, status: 429, retryAfterMs: null })
  t.same(sandbox.injected, { 429: 2 }, 'queued failures are counted by status')
  t.equal(sandbox.rateLimited, 0, "injected 429s are not the rate limiter's")
})

t.test('the burst limit is enforced per location, with a scaled clock', async (t) => {
  // a 1 s window (10 s at clockScale 10), on a manual clock: time moves only when the test moves it
  const clock = new ManualClock()
  const sandbox = await sandboxFor(t, { limits: { burst: 5 }, clockScale: 10, clock })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  for (let i = 0; i < 5; i++) await client.findContact(pit, { email: `${i}@example.com` })
  t.match(client.lastRateLimit(LOC_MAIN), { max: 5, remaining: 0, intervalMs: 1000, dailyRemaining: 199_995 })
  const limited = await failure(client.findContact(pit, { email: 'x@example.com' }))
  t.type(limited, HighLevelRateLimitedError)
  t.equal((limited as HighLevelRateLimitedError).retryAfterMs, 1000, 'Retry-After in whole real seconds, at least 1')
  await clock.advance(999) // 9.99 sandbox seconds: the same window
  t.type(await failure(client.findContact(pit, { email: 'x@example.com' })), HighLevelRateLimitedError)
  await clock.advance(1) // 10 sandbox seconds: a new window
  t.equal(await client.findContact(pit, { email: 'x@example.com' }), null)
  t.equal(client.lastRateLimit(LOC_MAIN)?.remaining, 4)
})

t.test('the daily limit is enforced too', async (t) => {
  const sandbox = await sandboxFor(t, { limits: { daily: 2 } })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  await client.findContact(pit, { email: 'a@example.com' })
  await client.findContact(pit, { email: 'a@example.com' })
  await t.rejects(client.findContact(pit, { email: 'a@example.com' }), HighLevelRateLimitedError)
  t.equal(client.lastRateLimit(LOC_MAIN)?.dailyRemaining, 0)
})

t.test('timeouts (never answering) and connection resets are retryable', async (t) => {
  const sandbox = await sandboxFor(t, { faults: { timeoutRate: 1 } })
  const client = new HighLevelClient({ baseUrl: sandbox.url, timeoutMs: 150 })
  t.teardown(() => client.close())
  const c = sandbox.seedContact({ locationId: LOC_MAIN })
  const timeout = await failure(client.addTags(pit, c.id, ['a']))
  t.type(timeout, HighLevelTimeoutError)
  t.equal(timeout.retryable, true)
  sandbox.setFaults({ resetRate: 1 })
  const reset = await failure(client.addTags(pit, c.id, ['a']))
  t.type(reset, HighLevelNetworkError)
  t.equal(reset.retryable, true)
  sandbox.setFaults({})
  t.same(await client.addTags(pit, c.id, ['a']), { tags: ['a'] }, 'healthy again once faults are cleared')
  t.same(sandbox.injected, { timeout: 1, reset: 1 }, 'each injected fault counted by kind')
})

t.test('400 "contact not found" is permanent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  for (const call of [
    client.addTags(pit, 'sx6wyHhbFdRXh302LLNR', ['a']),
    client.removeTags(pit, 'sx6wyHhbFdRXh302LLNR', ['a']),
    client.getContact(pit, 'sx6wyHhbFdRXh302LLNR'),
  ]) {
    const err = await failure(call)
    t.type(err, HighLevelRequestError)
    t.match(err, { status: 400, retryable: false, message: 'Contact with id sx6wyHhbFdRXh302LLNR not found' })
  }
})

t.test('error rates, latency and an outage window; counters per endpoint', async (t) => {
  const rolls = [0.55, 0.05, 0.95] // statuses are tried in ascending order: 500 takes [0, 0.5), 503 [0.5, 0.6)
  let i = 0
  const clock = new ManualClock()
  const sandbox = await sandboxFor(t, {
    clock,
    random: () => rolls[i++ % rolls.length] ?? 0,
    faults: { errorRates: { 503: 0.1, 500: 0.5 } },
  })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const find = () => client.findContact(pit, { email: 'a@example.com' })
  t.match(await failure(find()), { status: 503, retryable: true })
  t.type(await failure(find()), HighLevelServerError)
  t.equal(await find(), null)

  sandbox.setFaults({ latencyMs: 60 })
  let answered = false
  const slow = find().finally(() => (answered = true))
  await clock.untilSleeping()
  await clock.advance(59)
  t.notOk(answered, 'not answered before the added latency')
  await clock.advance(1)
  t.equal(await slow, null, 'latency added, then answered')

  sandbox.setFaults({ outage: { startsInMs: 0, durationMs: 100 } })
  t.match(await failure(find()), { status: 503 })
  await clock.advance(99)
  t.match(await failure(find()), { status: 503 }, 'still out 1 ms before its end')
  await clock.advance(1)
  t.equal(await find(), null, 'the outage ended')
  t.same(sandbox.injected, { 503: 1, 500: 1, outage: 2 }, 'dice statuses by status, the outage apart')
  t.match(sandbox.calls, { total: 7, 'GET /contacts/search/duplicate': 7 })
  sandbox.resetCalls()
  t.same(sandbox.calls, { total: 0 })
})

t.test('the control endpoint sets faults, seeds contacts and reports counters', async (t) => {
  const sandbox = await sandboxFor(t)
  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await request(`${sandbox.url}/_sandbox/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> }
  }
  t.match(await control('POST', 'faults', { errorRates: { 502: 1 } }), {
    status: 200,
    json: { errorRates: { 502: 1 }, latencyMs: 0 },
  })
  t.match(await control('GET', 'faults'), { json: { errorRates: { 502: 1 } } })
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  t.match(await failure(client.findContact(pit, { email: 'a@example.com' })), { status: 502 })
  t.match(await control('POST', 'faults', { errorRates: { 502: 2 } }), { status: 400, json: { message: /errorRates/ } })
  t.match(await control('POST', 'faults', { timeoutRate: 0.6, resetRate: 0.6 }), {
    status: 400,
    json: { message: /add up/ },
  })
  t.equal((await control('POST', 'faults', {})).status, 200)
  const seeded = await control('POST', 'contacts', { locationId: LOC_MAIN, email: 'ops@example.com', tags: ['A'] })
  t.match(seeded, { status: 201, json: { contact: { email: 'ops@example.com', tags: ['a'] } } })
  t.equal((await control('POST', 'contacts', { email: 'x@example.com' })).status, 400)
  t.equal((await client.findContact(pit, { email: 'OPS@example.com' }))?.id, (seeded.json.contact as { id: string }).id)
  t.match(await control('GET', `contacts?locationId=${LOC_MAIN}`), {
    json: { contacts: [{ email: 'ops@example.com' }] },
  })
  t.match(await control('GET', 'calls'), { json: { total: 2, 'GET /contacts/search/duplicate': 2 } })
  t.equal((await control('GET', 'nope')).status, 404)
})
