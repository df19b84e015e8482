import t from 'tap'
import { validateConfig } from '../../src/config/index.js'
import { TagrelayError } from '../../src/errors.js'
import {
  BadCredentialError,
  createSourceRegistry,
  MissingTokenError,
  UnknownSourceError,
} from '../../src/sources/index.js'
import type { InboundRequest } from '../../src/sources/index.js'

const OLD = 'a'.repeat(16)
const NEW = 'b'.repeat(16)

const registry = createSourceRegistry({
  s: { location: 'main', verify: { type: 'token', token: [OLD, NEW], header: 'x-tagrelay-token', query: 'token' } },
  jotform: { location: 'main', verify: { type: 'token', token: ['k'.repeat(16)], header: 'x-form-key', query: 'key' } },
  open: { location: 'other', verify: { type: 'none' } },
})

function request(parts: Partial<InboundRequest> = {}): InboundRequest {
  return { source: 's', headers: {}, query: {}, rawBody: Buffer.from('{}'), ...parts }
}

/** The error `verify` throws for `req`, or undefined when it accepts. */
function rejection(source: string, req: InboundRequest): TagrelayError | undefined {
  try {
    registry.get(source).verify(req)
    return undefined
  } catch (err) {
    return err as TagrelayError
  }
}

t.test('a matching token is accepted', async (t) => {
  t.equal(rejection('s', request({ headers: { 'x-tagrelay-token': OLD } })), undefined, 'in the header')
  t.equal(rejection('s', request({ query: { token: OLD } })), undefined, 'in the query')
  t.equal(rejection('s', request({ headers: { 'x-tagrelay-token': NEW } })), undefined, 'the rotated-in token')
  t.equal(rejection('s', request({ query: { token: NEW } })), undefined, 'the rotated-in token in the query')
  t.equal(
    rejection('jotform', request({ source: 'jotform', query: { key: 'k'.repeat(16) } })),
    undefined,
    'configured query name',
  )
  t.equal(
    rejection('jotform', request({ source: 'jotform', headers: { 'x-form-key': 'k'.repeat(16) } })),
    undefined,
    'configured header name',
  )
})

t.test('a wrong token is rejected with 401 TAGRELAY_BAD_TOKEN', async (t) => {
  const wrong = 'c'.repeat(16)
  const cases: Array<[string, InboundRequest]> = [
    ['wrong header', request({ headers: { 'x-tagrelay-token': wrong } })],
    ['wrong query', request({ query: { token: wrong } })],
    ['a prefix of the token', request({ headers: { 'x-tagrelay-token': OLD.slice(0, 15) } })],
    ['the token plus a byte', request({ headers: { 'x-tagrelay-token': `${OLD}a` } })],
    ['the token of another source', request({ headers: { 'x-tagrelay-token': 'k'.repeat(16) } })],
    [
      'the header wins over a right query token',
      request({ headers: { 'x-tagrelay-token': wrong }, query: { token: OLD } }),
    ],
    [
      'right token under the wrong header name',
      request({ headers: { authorization: OLD, 'x-tagrelay-token': wrong } }),
    ],
  ]
  for (const [name, req] of cases) {
    const err = rejection('s', req)
    t.type(err, BadCredentialError, name)
    t.equal(err?.code, 'TAGRELAY_BAD_TOKEN')
    t.equal(err?.statusCode, 401)
    t.type(err, TagrelayError)
  }
})

t.test('a missing token is rejected with 401 TAGRELAY_MISSING_TOKEN', async (t) => {
  const cases: Array<[string, InboundRequest]> = [
    ['nothing sent', request()],
    ['empty header', request({ headers: { 'x-tagrelay-token': '' } })],
    ['empty query', request({ query: { token: '' } })],
    ['another header only', request({ headers: { 'x-other': OLD } })],
    ['a query value that is not a string', request({ query: { token: { nested: OLD } } })],
  ]
  for (const [name, req] of cases) {
    const err = rejection('s', req)
    t.type(err, MissingTokenError, name)
    t.equal(err?.code, 'TAGRELAY_MISSING_TOKEN')
    t.equal(err?.statusCode, 401)
    t.match(err?.message, /x-tagrelay-token/, 'says where the token goes')
  }
})

t.test('error messages never contain a presented or configured token', async (t) => {
  const presented = 'presented-secret-0123456789'
  const errors = [
    rejection('s', request({ headers: { 'x-tagrelay-token': presented } })),
    rejection('s', request({ query: { token: presented } })),
    rejection('s', request()),
  ]
  for (const err of errors) {
    t.ok(err)
    const text = `${err?.message} ${err?.stack} ${JSON.stringify(err)}`
    t.notMatch(text, presented)
    t.notMatch(text, OLD)
    t.notMatch(text, NEW)
  }
  t.match(errors[0]?.message, /source "s"/, 'names the source')
})

t.test('verify: none accepts anything and is listed as unverified', async (t) => {
  t.equal(rejection('open', request({ source: 'open' })), undefined)
  t.equal(rejection('open', request({ source: 'open', headers: { 'x-tagrelay-token': 'whatever' } })), undefined)
  t.same(registry.unverified(), ['open'])
  t.equal(registry.get('open').location, 'other')
  t.same(registry.get('open').secretHeaders, [])
})

t.test('unknown source is 404 TAGRELAY_UNKNOWN_SOURCE', async (t) => {
  let err: unknown
  try {
    registry.get('nope')
  } catch (e) {
    err = e
  }
  t.type(err, UnknownSourceError)
  t.equal((err as TagrelayError).code, 'TAGRELAY_UNKNOWN_SOURCE')
  t.equal((err as TagrelayError).statusCode, 404)
  t.match((err as Error).message, '"nope"')
  t.throws(() => registry.get('__proto__'), UnknownSourceError, 'prototype names are not sources')
})

t.test('registry lists names and secret parameters', async (t) => {
  t.same(registry.names(), ['s', 'jotform', 'open'])
  t.same(registry.secretQueryParams().sort(), ['key', 'token'])
  t.same(registry.get('s').secretHeaders, ['x-tagrelay-token'])
  t.same(registry.get('jotform').secretQuery, ['key'])
  t.equal(registry.get('s').location, 'main')
  t.same(createSourceRegistry({}).secretQueryParams(), [])
  t.same(createSourceRegistry({}).unverified(), [])
  const twoSameParam = createSourceRegistry({
    a: { location: 'm', verify: { type: 'token', token: [OLD], header: 'x-a', query: 'token' } },
    b: { location: 'm', verify: { type: 'token', token: [NEW], header: 'x-b', query: 'token' } },
  })
  t.same(twoSameParam.secretQueryParams(), ['token'], 'deduplicated')
  t.same(twoSameParam.unverified(), [])
})

t.test('a header name from the config matches the lower-cased request header', async (t) => {
  const config = validateConfig(
    {
      highlevel: { locations: { main: { locationId: 'L', auth: { type: 'private-integration', token: 'pit' } } } },
      sources: { form: { location: 'main', verify: { type: 'token', token: OLD, header: 'X-Form-Key' } } },
    },
    'c.yaml',
    { env: {} },
  )
  const fromConfig = createSourceRegistry(config.sources)
  t.doesNotThrow(() => fromConfig.get('form').verify(request({ source: 'form', headers: { 'x-form-key': OLD } })))
  t.throws(
    () => fromConfig.get('form').verify(request({ source: 'form', headers: { 'x-form-key': NEW } })),
    BadCredentialError,
  )
  t.same(fromConfig.get('form').secretHeaders, ['x-form-key'])
})

t.test('a token sent twice is refused, never picked from', async (t) => {
  for (const [what, req] of [
    ['two headers, the first right', request({ headers: { 'x-tagrelay-token': [OLD, 'junk'] } })],
    ['two headers, the second right', request({ headers: { 'x-tagrelay-token': ['junk', OLD] } })],
    ['a repeated query parameter', request({ query: { token: [OLD, 'junk'] } })],
  ] as const) {
    const err = rejection('s', req)
    t.equal(err?.code, 'TAGRELAY_DUPLICATE_HEADER', what)
    t.equal(err?.statusCode, 400, what)
  }
})
