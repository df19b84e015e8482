import t from 'tap'
import { build } from '../helpers/build.js'
import { rules, sources } from './inbound-fixture.js'

t.test(
  'content types: urlencoded with brackets, multipart fields, JSON as text/plain, latin1, Jotform rawRequest',
  async (t) => {
    const { app, store } = await build(t, { sources, rules })
    const post = async (contentType: string, payload: string | Buffer) => {
      const res = await app.inject({
        method: 'POST',
        url: '/hooks/open',
        headers: { 'content-type': contentType },
        payload,
      })
      t.equal(res.statusCode, 202, contentType)
      return (await store.trail.getEvent(res.json().id))?.body as Record<string, unknown>
    }
    t.same(
      await post(
        'application/x-www-form-urlencoded',
        'a[b]=c&a[d][]=1&a[d][]=2&list[]=x&list[]=y&name=Ada+L%C3%B6we&x=1&x=2',
      ),
      {
        a: { b: 'c', d: ['1', '2'] },
        list: ['x', 'y'],
        name: 'Ada Löwe',
        x: ['1', '2'],
      },
    )
    t.same(
      await post('application/x-www-form-urlencoded; charset=ISO-8859-1', 'name=Zo%EB'),
      { name: 'Zoë' },
      'latin1 escapes',
    )
    t.same(
      await post('text/plain; charset=iso-8859-1', Buffer.from('{"name":"Zoë"}', 'latin1')),
      { name: 'Zoë' },
      'latin1 JSON as text/plain',
    )
    t.same(await post('text/plain', '{"a":1}'), { a: 1 }, 'JSON as text/plain')

    const boundary = '----tagrelay7MA4YWxk'
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="email"',
      '',
      'ada@example.com',
      `--${boundary}`,
      'Content-Disposition: form-data; name="answers[plan]"',
      '',
      'pro',
      `--${boundary}`,
      'Content-Disposition: form-data; name="cv"; filename="cv.pdf"',
      'Content-Type: application/pdf',
      '',
      '%PDF-1.4 binary',
      `--${boundary}`,
      'Content-Disposition: form-data; name="note"',
      '',
      'line 1\r\nline 2',
      `--${boundary}--`,
      '',
    ].join('\r\n')
    t.same(
      await post(`multipart/form-data; boundary=${boundary}`, multipart),
      { email: 'ada@example.com', answers: { plan: 'pro' }, note: 'line 1\r\nline 2' },
      'files dropped',
    )

    const raw = JSON.stringify({ slug: 'submit/123', q3_email: 'grace@example.com', q4_name: { first: 'Grace' } })
    const jot = `--${boundary}\r\nContent-Disposition: form-data; name="formID"\r\n\r\n123\r\n--${boundary}\r\nContent-Disposition: form-data; name="rawRequest"\r\n\r\n${raw}\r\n--${boundary}--\r\n`
    const res = await app.inject({
      method: 'POST',
      url: '/hooks/open',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: jot,
    })
    t.equal(res.statusCode, 202)
    t.same(res.json().tags, ['jotform'], 'a rule reads q3_email from rawRequest')
    t.match((await store.trail.getEvent(res.json().id))?.body, {
      formID: '123',
      q3_email: 'grace@example.com',
      rawRequest: { q4_name: { first: 'Grace' } },
    })
  },
)

t.test('body refusals: charset, depth, width, size, prototype keys', async (t) => {
  const { app, store } = await build(t, { sources, rules })
  const post = (url: string, contentType: string, payload: string) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload })
  const cases: Array<[string, Awaited<ReturnType<typeof post>>, number, string]> = [
    [
      'unknown charset',
      await post('/hooks/open', 'application/json; charset=klingon', '{}'),
      415,
      'TAGRELAY_UNSUPPORTED_CHARSET',
    ],
    ['invalid utf-8', await post('/hooks/open', 'application/json', '{"a":"\udc00"}'), 202, ''],
    [
      '65 levels of JSON',
      await post('/hooks/open', 'application/json', '['.repeat(65) + ']'.repeat(65)),
      400,
      'TAGRELAY_TOO_DEEP',
    ],
    [
      '65 levels of form brackets',
      await post('/hooks/open', 'application/x-www-form-urlencoded', `a${'[x]'.repeat(65)}=1`),
      400,
      'TAGRELAY_TOO_DEEP',
    ],
    [
      '10,001 elements',
      await post('/hooks/open', 'application/json', `[${'0,'.repeat(10_000)}0]`),
      413,
      'TAGRELAY_TOO_WIDE',
    ],
    [
      'over the source body limit',
      await post('/hooks/small', 'application/json', JSON.stringify({ pad: 'x'.repeat(1100) })),
      413,
      'TAGRELAY_BODY_TOO_LARGE',
    ],
    ['multipart without boundary', await post('/hooks/open', 'multipart/form-data', 'x'), 400, 'TAGRELAY_BAD_BODY'],
    [
      'truncated multipart',
      await post(
        '/hooks/open',
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      ),
      400,
      'TAGRELAY_BAD_BODY',
    ],
  ]
  for (const [what, res, status, code] of cases) {
    t.equal(res.statusCode, status, what)
    if (code) t.equal(res.json().code, code, what)
  }
  t.equal(
    await store.housekeeping.countEvents(),
    1,
    'only the valid one (a lone surrogate is valid JSON text) is stored',
  )

  const form = await post(
    '/hooks/open',
    'application/x-www-form-urlencoded',
    '__proto__[polluted]=1&a[constructor][prototype][polluted]=1&a[__proto__][x]=1&ok=1',
  )
  t.equal(form.statusCode, 202)
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.same((await store.trail.getEvent(form.json().id))?.body, { ok: '1' }, 'the forbidden fields are dropped')
  const mp = await post(
    '/hooks/open',
    'multipart/form-data; boundary=b',
    '--b\r\nContent-Disposition: form-data; name="__proto__[x]"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name="y"\r\n\r\n2\r\n--b--',
  )
  t.same((await store.trail.getEvent(mp.json().id))?.body, { y: '2' })
})

t.test('a source over its rate limit gets 429 with Retry-After; others are unaffected', async (t) => {
  const { app, rejections } = await build(t, { sources, rules })
  const post = (url: string) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' })
  t.equal((await post('/hooks/slow')).statusCode, 202)
  t.equal((await post('/hooks/slow')).statusCode, 202, 'burst of 2')
  const limited = await post('/hooks/slow')
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'TAGRELAY_RATE_LIMITED')
  t.equal(limited.headers['retry-after'], '1')
  t.equal((await post('/hooks/open')).statusCode, 202, 'another source still passes')
  t.equal(rejections.get('slow', 'TAGRELAY_RATE_LIMITED'), 1)
})

t.test('Meta GET handshake: the challenge is echoed only for the right verify token', async (t) => {
  const { app, logs } = await build(t, { sources, rules })
  const get = (url: string) => app.inject({ method: 'GET', url })
  const ok = await get('/hooks/lead?hub.mode=subscribe&hub.verify_token=meta-verify-token-123&hub.challenge=1158201444')
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '1158201444')
  t.match(ok.headers['content-type'], /^text\/plain/)
  const wrong = await get('/hooks/lead?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1')
  t.equal(wrong.statusCode, 403)
  t.equal(wrong.json().code, 'TAGRELAY_BAD_VERIFY_TOKEN')
  t.equal(
    (await get('/hooks/lead?hub.mode=subscribe&hub.verify_token=meta-verify-token-123&hub.challenge=<script>'))
      .statusCode,
    403,
    'markup is never echoed',
  )
  t.equal(
    (await get('/hooks/gh?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1')).json().code,
    'TAGRELAY_NO_HANDSHAKE',
  )
  t.notOk(logs.text().includes('meta-verify-token-123'), 'the verify token is masked in logs')
})
