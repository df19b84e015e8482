import t from 'tap'
import { BadBodyError, parseBody, UnsupportedMediaTypeError } from '../../src/sources/index.js'
import type { TagrelayError } from '../../src/errors.js'

const json = (s: string) => Buffer.from(s, 'utf8')

function rejection(raw: Buffer, contentType: string | undefined): TagrelayError | undefined {
  try {
    parseBody(raw, contentType)
    return undefined
  } catch (err) {
    return err as TagrelayError
  }
}

t.test('JSON bodies are parsed', async (t) => {
  const body = '{"email":"ada@example.com","answers":[{"type":"email"}],"n":1.5,"ok":true,"none":null}'
  const expected = { email: 'ada@example.com', answers: [{ type: 'email' }], n: 1.5, ok: true, none: null }
  t.same(parseBody(json(body), 'application/json'), expected)
  t.same(parseBody(json(body), 'application/json; charset=utf-8'), expected, 'with parameters')
  t.same(parseBody(json(body), 'Application/JSON'), expected, 'media type is case-insensitive')
  t.same(parseBody(json(body), 'application/vnd.api+json'), expected, '+json suffix')
  t.same(parseBody(json('{"name":"Zoë ✓"}'), 'application/json'), { name: 'Zoë ✓' }, 'UTF-8 text')
  t.same(parseBody(json('  \n{"a":1}\n'), 'application/json'), { a: 1 }, 'surrounding whitespace')
})

t.test('an empty body is 400 TAGRELAY_BAD_BODY', async (t) => {
  const err = rejection(Buffer.alloc(0), 'application/json')
  t.type(err, BadBodyError)
  t.equal(err?.code, 'TAGRELAY_BAD_BODY')
  t.equal(err?.statusCode, 400)
  t.match(err?.message, /empty/)
})

t.test('malformed JSON is 400 TAGRELAY_BAD_BODY', async (t) => {
  for (const bad of ['{"a":', '{a:1}', "{'a':1}", 'not json', '{"a":1}}', '\u0000']) {
    const err = rejection(json(bad), 'application/json')
    t.type(err, BadBodyError, JSON.stringify(bad))
    t.equal(err?.code, 'TAGRELAY_BAD_BODY')
    t.equal(err?.statusCode, 400)
    t.match(err?.message, /not valid JSON/)
  }
})

t.test('other content types are 415 TAGRELAY_UNSUPPORTED_MEDIA_TYPE', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    ['text/csv', 'text/csv'],
    ['text/html; charset=utf-8', 'text/html'],
    ['application/xml', 'application/xml'],
    ['application/jsonx', 'application/jsonx'],
    ['', '(none)'],
    [undefined, '(none)'],
  ]
  for (const [contentType, shown] of cases) {
    const err = rejection(json('{"a":1}'), contentType)
    t.type(err, UnsupportedMediaTypeError, String(contentType))
    t.equal(err?.code, 'TAGRELAY_UNSUPPORTED_MEDIA_TYPE')
    t.equal(err?.statusCode, 415)
    t.match(err?.message, `"${shown}"`)
  }
  t.type(
    rejection(Buffer.alloc(0), 'text/csv'),
    UnsupportedMediaTypeError,
    'the content type is checked before the body',
  )
})

t.test('prototype pollution keys are dropped', async (t) => {
  const body = parseBody(
    json('{"__proto__": {"polluted": true}, "a": {"__proto__": {"deep": 1}}, "keep": 1}'),
    'application/json',
  ) as Record<string, unknown>
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.equal((body as { polluted?: unknown }).polluted, undefined, 'the body did not get a new prototype')
  t.notOk(Object.hasOwn(body, '__proto__'), 'the key is dropped')
  t.equal(Object.getPrototypeOf(body), Object.prototype)
  t.same(body.a, {}, 'nested __proto__ dropped too')
  t.equal(body.keep, 1, 'other keys kept')

  const ctor = parseBody(
    json('{"constructor": {"prototype": {"polluted": true}}, "b": 2}'),
    'application/json',
  ) as Record<string, unknown>
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.notOk(Object.hasOwn(ctor, 'constructor'), 'constructor.prototype is dropped')
  t.equal(ctor.b, 2)
})
