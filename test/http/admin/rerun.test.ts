import t from 'tap'
import { runRerun } from '../../../src/commands/rerun.js'
import { ADMIN_TOKEN, build, SOURCE_TOKEN, testConfig } from '../../helpers/build.js'

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
const proRule = {
  name: 'pro',
  source: 'forms',
  when: { field: 'plan', equals: 'pro' },
  contact: { email: 'email' },
  tags: ['pro'],
  untag: ['trial'],
}

t.test('a stored event re-run with fixed rules: dry run, then the difference enqueued and in the trail', async (t) => {
  const { app, store, reloadRules, config } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  const posted = await app.inject({
    method: 'POST',
    url: '/hooks/forms',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    payload: { type: 'signup', email: 'ada@example.com', plan: 'pro' },
  })
  const id = posted.json<{ id: string }>().id
  const firstVersion = (await store.trail.getEvent(id))?.explain as { rulesVersion?: string }
  const version = reloadRules([proRule]) // the rule that should have been there

  const rerun = (payload?: object) =>
    app.inject({ method: 'POST', url: `/admin/events/${id}/rerun`, headers: auth, ...(payload ? { payload } : {}) })
  const dry = await rerun({ dryRun: true })
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), {
    eventId: id,
    dryRun: true,
    rulesVersion: version,
    judgedBy: firstVersion.rulesVersion,
    jobs: [{ location: 'main', contact: { email: 'ada@example.com' }, add: ['pro'], remove: ['trial'] }],
    noLongerAdded: [],
  })
  t.equal((await store.housekeeping.listJobs({ eventId: id })).length, 1, 'a dry run stores nothing')

  const real = await rerun()
  t.match(real.json(), { dryRun: false, jobs: [{ add: ['pro'], remove: ['trial'] }] })
  const jobs = await store.housekeeping.listJobs({ eventId: id })
  t.equal(jobs.length, 2)
  t.match(jobs[1], { status: 'pending', add: ['pro'], remove: ['trial'], contact: { email: 'ada@example.com' } })
  t.same((await rerun()).json().jobs, [], 'a second re-run finds nothing new')

  const trail = (await app.inject({ url: `/admin/events/${id}`, headers: auth })).json()
  t.equal(trail.reruns.length, 2)
  t.match(trail.reruns[0], {
    at: /^\d{4}-/,
    by: /^admin API/,
    rulesVersion: version,
    changes: { jobs: [{ add: ['pro'] }] },
  })

  t.equal((await app.inject({ method: 'POST', url: '/admin/events/nope/rerun', headers: auth })).statusCode, 404)
  t.equal((await rerun({ dryRun: 'yes' })).statusCode, 400)

  // tagrelay rerun, by source and time, with rules that no longer add "signed up"
  const lines: string[] = []
  const code = await runRerun(
    testConfig({ storeUrl: config.store.url, rules: [{ ...proRule, name: 'pro2', tags: ['pro', 'vip'] }] }),
    'test.yaml',
    { source: 'forms', since: '0', dryRun: true },
    (l) => lines.push(l),
  )
  t.equal(code, 0)
  t.match(lines.join('\n'), /ada@example.com \+\[vip\] -\[\]/)
  t.match(lines.join('\n'), /dry run: would enqueue 1 job for 1 event/)
  await t.rejects(runRerun(testConfig({ storeUrl: config.store.url }), 'x', { dryRun: false }), {
    code: 'TAGRELAY_USAGE',
  })
})
