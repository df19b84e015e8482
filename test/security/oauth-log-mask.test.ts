import t from 'tap'
import { build } from '../helpers/build.js'

t.test('the OAuth code and state never reach a log line', async (t) => {
  const { app, logs } = await build(t)
  const code = 'c0de5ecret4f9a1b2c3d4e5f6'
  const state = 'st4te5ecret.9f8e7d6c5b4a'
  for (const url of [
    `/oauth/callback?code=${code}&state=${state}`,
    `/oauth/callback?state=${state}&code=${code}&x=1`,
    `http://127.0.0.1/oauth/callback?code=${code}&state=${state}`,
  ]) {
    const res = await app.inject({ method: 'GET', url })
    t.ok(res.statusCode >= 400, `${url.slice(0, 30)}: answered ${res.statusCode}`)
  }
  const completed = logs.lines().filter((l) => l.msg === 'request completed')
  t.equal(completed.length, 3, 'each request logged')
  t.ok(
    completed.every((l) => /code=%5Bredacted%5D|code=\[redacted\]/.test(String((l.req as { url: string }).url))),
    'the code is shown masked',
  )
  t.notMatch(logs.text(), code, 'no line holds the code')
  t.notMatch(logs.text(), state, 'no line holds the state')
})
