import t from 'tap'
import { ADMIN_TOKEN, build } from '../../helpers/build.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

t.test('GET /admin/alerts lists the outbox newest first, by status, with a cursor', async (t) => {
  const { app, store } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const base = { kind: 'dead_letters', subject: '*', state: 'digest', createdAt: Date.now() }
  await store.alerts.enqueue([
    { ...base, destination: 'team', payload: { title: 'one' } },
    { ...base, destination: 'pager', payload: { title: 'one' } },
    { ...base, destination: 'team', payload: { title: 'two' } },
  ])
  const [first] = await store.alerts.claim('w', 1, 60_000, Date.now())
  await store.alerts.markSent(first!.id, 'w', Date.now())

  t.equal((await app.inject({ url: '/admin/alerts' })).statusCode, 401, 'behind the admin token')
  const all = (await app.inject({ url: '/admin/alerts', headers: auth })).json()
  t.equal(all.items.length, 3)
  t.match(all.items[2], {
    destination: 'team',
    status: 'sent',
    sentAt: isoTime,
    nextAt: null,
    message: { title: 'one' },
  })
  t.match(all.items[0], { status: 'pending', nextAt: isoTime, sentAt: null, attempts: 0 })
  const pending = (await app.inject({ url: '/admin/alerts?status=pending', headers: auth })).json()
  t.equal(pending.items.length, 2)
  const page = (await app.inject({ url: '/admin/alerts?limit=2', headers: auth })).json()
  t.equal(page.items.length, 2)
  const rest = (await app.inject({ url: `/admin/alerts?limit=2&cursor=${page.nextCursor}`, headers: auth })).json()
  t.same(
    rest.items.map((a: { id: number }) => a.id),
    [first!.id],
  )
  t.equal((await app.inject({ url: '/admin/alerts?status=nope', headers: auth })).statusCode, 400)
})
