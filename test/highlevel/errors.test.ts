import t from 'tap'
import { TagrelayError } from '../../src/errors.js'
import {
  errorFromResponse,
  parseRetryAfter,
  HighLevelError,
  HighLevelForbiddenError,
  HighLevelNetworkError,
  HighLevelRateLimitedError,
  HighLevelRequestError,
  HighLevelResponseError,
  HighLevelServerError,
  HighLevelTimeoutError,
  HighLevelUnauthorizedError,
} from '../../src/highlevel/index.js'
import { errorFromTransport } from '../../src/highlevel/transport.js'

t.test('errorFromResponse picks the class, code and retryability', async (t) => {
  const cases = [
    [400, HighLevelRequestError, 'TAGRELAY_HL_BAD_REQUEST', false],
    [401, HighLevelUnauthorizedError, 'TAGRELAY_HL_UNAUTHORIZED', true],
    [403, HighLevelForbiddenError, 'TAGRELAY_HL_FORBIDDEN', false],
    [404, HighLevelRequestError, 'TAGRELAY_HL_BAD_REQUEST', false],
    [409, HighLevelRequestError, 'TAGRELAY_HL_BAD_REQUEST', false],
    [422, HighLevelRequestError, 'TAGRELAY_HL_BAD_REQUEST', false],
    [429, HighLevelRateLimitedError, 'TAGRELAY_HL_RATE_LIMITED', true],
    [500, HighLevelServerError, 'TAGRELAY_HL_SERVER_ERROR', true],
    [503, HighLevelServerError, 'TAGRELAY_HL_SERVER_ERROR', true],
    [302, HighLevelResponseError, 'TAGRELAY_HL_BAD_RESPONSE', false],
  ] as const
  for (const [status, Class, code, retryable] of cases) {
    const err = errorFromResponse(status, { statusCode: status, message: 'x' }, {})
    t.ok(err instanceof Class, `${status} -> ${Class.name}`)
    t.ok(err instanceof HighLevelError)
    t.ok(err instanceof TagrelayError)
    t.equal(err.code, code)
    t.equal(err.retryable, retryable)
    t.equal(err.status, status)
    t.equal(err.name, Class.name)
  }
})

t.test('messages come from HighLevel bodies', async (t) => {
  const notFound = errorFromResponse(400, { statusCode: 400, message: 'Contact with id abc not found' })
  t.equal(notFound.message, 'Contact with id abc not found')
  t.same(notFound.responseBody, { statusCode: 400, message: 'Contact with id abc not found' })
  const unprocessable = errorFromResponse(422, {
    statusCode: 422,
    message: ['a is bad', 'b is bad'],
    error: 'Unprocessable Entity',
  })
  t.equal(unprocessable.message, 'a is bad; b is bad')
  t.equal(errorFromResponse(502, '<html>bad gateway</html>').message, 'HighLevel answered 502')
  t.equal(errorFromResponse(429, {}).message, 'HighLevel answered 429')
  t.equal(errorFromResponse(401, { error: 'Unauthorized' }).message, 'Unauthorized')
  t.ok(errorFromResponse(400, { message: 'x'.repeat(5000) }).message.length < 600)
})

t.test('Retry-After as seconds, HTTP date, absent or garbage', async (t) => {
  t.equal((errorFromResponse(429, {}, { 'retry-after': '3' }) as HighLevelRateLimitedError).retryAfterMs, 3000)
  t.equal((errorFromResponse(429, {}, {}) as HighLevelRateLimitedError).retryAfterMs, null)
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0)
  t.equal(parseRetryAfter('soon', now), null)
  t.equal(parseRetryAfter('', now), null)
  t.equal(parseRetryAfter(undefined, now), null)
})

t.test('transport errors map by code, including causes and AggregateError', async (t) => {
  const code = (c: string) => Object.assign(new Error(c), { code: c })
  t.type(errorFromTransport(code('UND_ERR_HEADERS_TIMEOUT'), 'http://x'), HighLevelTimeoutError)
  t.type(errorFromTransport(code('UND_ERR_BODY_TIMEOUT'), 'http://x'), HighLevelTimeoutError)
  t.type(errorFromTransport(code('UND_ERR_CONNECT_TIMEOUT'), 'http://x'), HighLevelTimeoutError)
  t.type(errorFromTransport(code('ECONNRESET'), 'http://x'), HighLevelNetworkError)
  t.type(errorFromTransport(code('UND_ERR_SOCKET'), 'http://x'), HighLevelNetworkError)
  t.type(errorFromTransport(code('UND_ERR_CLOSED'), 'http://x'), HighLevelNetworkError)
  t.type(errorFromTransport(new Error('wrap', { cause: code('ECONNREFUSED') }), 'http://x'), HighLevelNetworkError)
  t.type(
    errorFromTransport(new AggregateError([code('ECONNREFUSED'), code('ECONNREFUSED')]), 'http://x'),
    HighLevelNetworkError,
  )
  t.equal(errorFromTransport(new TypeError('bug'), 'http://x'), undefined)
  const timeout = errorFromTransport(code('UND_ERR_HEADERS_TIMEOUT'), 'http://x')
  t.equal(timeout?.status, null)
  t.equal(timeout?.retryable, true)
  t.equal(timeout?.statusCode, 504)
})
