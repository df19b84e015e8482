import t from 'tap'
import { redactHeaders, redactUrl } from '../../src/sources/index.js'

const R = '[redacted]'

t.test('redactHeaders replaces credentials and keeps the rest', async (t) => {
  const out = redactHeaders(
    {
      Authorization: 'Bearer abc',
      cookie: 'sid=1',
      'Set-Cookie': 'sid=2',
      'Proxy-Authorization': 'Basic x',
      'x-tagrelay-token': 'tok',
      'X-Form-Key': 'configured',
      'Typeform-Signature': 'sha256=abc',
      'X-Webhook-Secret': 's',
      'X-Api-Key': 'k1',
      'x-api_key': 'k2',
      apikey: 'k3',
      'X-Shopify-Hmac-Token': 'h',
      'X-Password': 'p',
      'Content-Type': 'application/json',
      'User-Agent': 'Typeform Webhooks',
      'X-Request-Id': 'req-1',
      Accept: ['application/json', 'text/plain'],
      'x-absent': undefined,
    },
    ['x-form-key'],
  )
  t.same(out, {
    authorization: R,
    cookie: R,
    'set-cookie': R,
    'proxy-authorization': R,
    'x-tagrelay-token': R,
    'x-form-key': R,
    'typeform-signature': R,
    'x-webhook-secret': R,
    'x-api-key': R,
    'x-api_key': R,
    apikey: R,
    'x-shopify-hmac-token': R,
    'x-password': R,
    'content-type': 'application/json',
    'user-agent': 'Typeform Webhooks',
    'x-request-id': 'req-1',
    accept: 'application/json, text/plain',
  })
})

t.test('redactHeaders never lets a secret through, even as an array', async (t) => {
  const out = redactHeaders({ authorization: ['Bearer one', 'Bearer two'], 'x-custom': 'secret-value' }, ['x-custom'])
  t.same(out, { authorization: R, 'x-custom': R })
  t.notMatch(JSON.stringify(out), /Bearer|secret-value/)
  t.same(redactHeaders({}), {})
})

t.test('redactUrl masks secret query parameters', async (t) => {
  const masked = redactUrl('/hooks/jotform?key=abc123&formID=42', ['key'])
  t.notMatch(masked, 'abc123')
  t.equal(new URLSearchParams(masked.split('?')[1]).get('key'), R)
  t.equal(new URLSearchParams(masked.split('?')[1]).get('formID'), '42')
  t.ok(masked.startsWith('/hooks/jotform?'))

  const looks = redactUrl('/hooks/s?token=t1&api_key=k1&signature=s1&client_secret=c1&page=2', [])
  const params = new URLSearchParams(looks.split('?')[1])
  for (const name of ['token', 'api_key', 'signature', 'client_secret']) t.equal(params.get(name), R, name)
  t.equal(params.get('page'), '2')
  t.notMatch(looks, /t1|k1|s1|c1/)

  const repeated = redactUrl('/hooks/s?key=one&key=two', ['key'])
  t.notMatch(repeated, /one|two/, 'every value of a repeated parameter is masked')
})

t.test('redactUrl leaves URLs without secrets unchanged', async (t) => {
  t.equal(redactUrl('/hooks/typeform', ['token']), '/hooks/typeform')
  t.equal(redactUrl('/hooks/typeform?page=2&sort=asc', ['token']), '/hooks/typeform?page=2&sort=asc')
  t.equal(redactUrl('/hooks/typeform?', ['token']), '/hooks/typeform?')
})
