import t from 'tap'
import { parseRateLimit } from '../../src/highlevel/index.js'

t.test('parses all five headers', async (t) => {
  t.same(
    parseRateLimit({
      'x-ratelimit-max': '100',
      'x-ratelimit-remaining': '97',
      'x-ratelimit-interval-milliseconds': '10000',
      'x-ratelimit-limit-daily': '200000',
      'x-ratelimit-daily-remaining': '199990',
    }),
    { max: 100, remaining: 97, intervalMs: 10000, dailyLimit: 200000, dailyRemaining: 199990 },
  )
})

t.test('absent headers are null', async (t) => {
  t.same(parseRateLimit({}), { max: null, remaining: null, intervalMs: null, dailyLimit: null, dailyRemaining: null })
  t.same(parseRateLimit(undefined).max, null)
})

t.test('garbage is null, not NaN or a throw', async (t) => {
  const info = parseRateLimit({
    'x-ratelimit-max': 'lots',
    'x-ratelimit-remaining': '-3',
    'x-ratelimit-interval-milliseconds': '1e4',
    'x-ratelimit-limit-daily': '',
    'x-ratelimit-daily-remaining': '99999999999999999999',
  })
  t.same(info, { max: null, remaining: null, intervalMs: null, dailyLimit: null, dailyRemaining: null })
})

t.test('mixed case keys, arrays, whitespace and fetch Headers', async (t) => {
  const info = parseRateLimit({ 'X-RateLimit-Max': ' 50 ', 'x-ratelimit-remaining': ['7', '8'] })
  t.equal(info.max, 50)
  t.equal(info.remaining, 7)
  const fromFetch = parseRateLimit(new Headers({ 'X-RateLimit-Daily-Remaining': '42' }))
  t.equal(fromFetch.dailyRemaining, 42)
  t.equal(fromFetch.max, null)
})
