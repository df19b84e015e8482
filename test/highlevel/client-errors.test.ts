import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import t from 'tap'
import {
  HighLevelClient,
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
import { authMain, authOther, LOC_MAIN, rawServer, sandboxFor, TOKEN_MAIN, TOKEN_OTHER } from './fixtures/helpers.js'

const seenErrors: unknown[] = []

async function failure(promise: Promise<unknown>): Promise<HighLevelError> {
  try {
    await promise
  } catch (err) {
    seenErrors.push(err)
    if (err instanceof HighLevelError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

t.test('HighLevel answers map to typed errors', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const contact = sandbox.seedContact({ locationId: LOC_MAIN, email: 'ann@example.com' })

  const notFound = await failure(client.addTags(authMain, 'sx6wyHhbFdRXh302LLNR', ['a']))
  t.type(notFound, HighLevelRequestError)
  t.equal(notFound.status, 400)
  t.equal(notFound.retryable, false)
  t.equal(notFound.message, 'Contact with id sx6wyHhbFdRXh302LLNR not found')

  const wrongToken = await failure(
    client.addTags({ locationId: LOC_MAIN, accessToken: () => 'nope' }, contact.id, ['a']),
  )
  t.type(wrongToken, HighLevelUnauthorizedError)
  t.equal(wrongToken.code, 'TAGRELAY_HL_UNAUTHORIZED')
  t.equal(wrongToken.retryable, true)
  t.equal(wrongToken.message, 'Invalid JWT')

  const otherLocation = await failure(client.addTags(authOther, contact.id, ['a']))
  t.type(otherLocation, HighLevelForbiddenError)
  t.equal(otherLocation.retryable, false)
  t.equal(otherLocation.message, 'The token does not have access to this location.')
  t.same(sandbox.getContact(contact.id)?.tags, [], 'nothing was tagged')

  const missingLocation = await failure(
    client.findContactByEmail({ locationId: '', accessToken: () => TOKEN_MAIN }, 'a@b.c'),
  )
  t.type(missingLocation, HighLevelRequestError)
  t.equal(missingLocation.status, 422)
  t.equal(missingLocation.message, 'locationId must be a string')
})

t.test('injected faults: 400, 422, 429 with Retry-After, 500, 503', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new HighLevelClient({ baseUrl: sandbox.url })
  t.teardown(() => client.close())
  const contact = sandbox.seedContact({ locationId: LOC_MAIN })
  const add = () => client.addTags(authMain, contact.id, ['a'])

  sandbox.failNext(400, 1, { statusCode: 400, message: 'Contact with id x not found' })
  const bad = await failure(add())
  t.type(bad, HighLevelRequestError)
  t.equal(bad.message, 'Contact with id x not found')

  sandbox.failNext(422)
  const unprocessable = await failure(add())
  t.type(unprocessable, HighLevelRequestError)
  t.equal(unprocessable.status, 422)
  t.equal(unprocessable.retryable, false)

  sandbox.failNext(429, 2)
  for (let i = 0; i < 2; i++) {
    const limited = await failure(add())
    t.type(limited, HighLevelRateLimitedError)
    t.equal(limited.retryable, true)
    t.equal((limited as HighLevelRateLimitedError).retryAfterMs, 1000)
  }
  t.ok(client.lastRateLimit(LOC_MAIN)?.remaining !== null, '429 answers still update the rate-limit view')

  sandbox.failNext(500)
  sandbox.failNext(503)
  for (const status of [500, 503]) {
    const server = await failure(add())
    t.type(server, HighLevelServerError)
    t.equal(server.status, status)
    t.equal(server.retryable, true)
  }
  t.same(await add(), { tags: ['a'] }, 'faults are used up')
})

t.test('connection refused is a retryable network error', async (t) => {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))

  const client = new HighLevelClient({ baseUrl: `http://127.0.0.1:${port}` })
  t.teardown(() => client.close())
  const err = await failure(client.addTags(authMain, 'abc', ['a']))
  t.type(err, HighLevelNetworkError)
  t.equal(err.code, 'TAGRELAY_HL_NETWORK')
  t.equal(err.status, null)
  t.equal(err.retryable, true)
})

t.test('a server that never answers is a timeout', async (t) => {
  const server = createServer(() => {
    /* never answer */
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  const client = new HighLevelClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 })
  t.teardown(() => client.close())

  const err = await failure(client.findContactByEmail(authMain, 'a@b.c'))
  t.type(err, HighLevelTimeoutError)
  t.equal(err.code, 'TAGRELAY_HL_TIMEOUT')
  t.equal(err.retryable, true)
  // the client's own timeout ended it (the server never answers), named in the message
  t.match(err.message, /^HighLevel request timed out \(UND_ERR_\w+_TIMEOUT\) at http:\/\/127\.0\.0\.1:/)
})

t.test('a body that stalls mid-way is a timeout too', async (t) => {
  const server = await rawServer(t, (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' })
    res.write('{"tags":[')
  })
  const client = new HighLevelClient({ baseUrl: server.url, timeoutMs: 200 })
  t.teardown(() => client.close())
  t.type(await failure(client.addTags(authMain, 'abc', ['a'])), HighLevelTimeoutError)
})

t.test('2xx bodies that are not the documented shape', async (t) => {
  const answers = [
    [201, '{"tags":"vip"}'],
    [200, '{"contact":{"email":"no-id@example.com"}}'],
    [201, 'OK'],
    [302, ''],
  ] as const
  let next = 0
  const server = await rawServer(t, (_req, res) => {
    const [status, body] = answers[next++] ?? [500, '']
    res.writeHead(
      status,
      status === 302 ? { location: 'https://elsewhere.example/' } : { 'content-type': 'application/json' },
    )
    res.end(body)
  })
  const client = new HighLevelClient({ baseUrl: server.url })
  t.teardown(() => client.close())

  const shape = await failure(client.addTags(authMain, 'abc', ['a']))
  t.type(shape, HighLevelResponseError)
  t.equal(shape.code, 'TAGRELAY_HL_BAD_RESPONSE')
  t.equal(shape.retryable, false)
  t.equal(shape.status, 201)
  t.match(shape.message, /tags/)

  t.type(await failure(client.findContactByEmail(authMain, 'x@example.com')), HighLevelResponseError)
  const notJson = await failure(client.addTags(authMain, 'abc', ['a']))
  t.type(notJson, HighLevelResponseError)
  t.equal(notJson.responseBody, 'OK')
  const redirect = await failure(client.addTags(authMain, 'abc', ['a']))
  t.type(redirect, HighLevelResponseError, 'redirects are not followed')
  t.equal(redirect.status, 302)
  t.equal(server.seen.length, 4)
})

t.test('a token echoed back in a body is scrubbed', async (t) => {
  const server = await rawServer(t, (req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ statusCode: 401, message: `bad token ${req.headers.authorization ?? ''}` }))
  })
  const client = new HighLevelClient({ baseUrl: server.url })
  t.teardown(() => client.close())
  const err = await failure(client.addTags(authMain, 'abc', ['a']))
  t.type(err, HighLevelUnauthorizedError)
  t.equal(err.message, 'bad token Bearer [redacted]')
})

t.test('no error ever carries a token', async (t) => {
  t.ok(seenErrors.length >= 15, `checked ${seenErrors.length} errors`)
  for (const err of seenErrors) {
    const e = err as Error
    const text = [e.message, e.stack ?? '', JSON.stringify(e), String(e), inspect(e, { depth: 6 })].join('\n')
    for (const token of [TOKEN_MAIN, TOKEN_OTHER]) t.notOk(text.includes(token), `${e.name}: no token`)
  }
})
