import { join } from 'node:path'
import t from 'tap'
import { startSandbox } from '../../src/sandbox/index.js'
import { openStore } from '../../src/store/index.js'
import { spawnCli } from '../helpers/cli.js'
import { until } from '../helpers/until.js'
import { freshSchema, postgresForTests } from './helpers/postgres.js'

const url = await postgresForTests(t)
const LOCATION = 'replicaLocation0001'
const TOKEN = 'pit-replicas-0123456789'
const REPLICAS = 3
const EVENTS = 60
/** the sandbox's limit, small so that 60 calls need several windows: 10 per second */
const LIMIT = { burst: 10, intervalMs: 1000 }
/**
 * The replicas keep 3 of the 10 calls back, as the default 3 % keeps 3 of HighLevel's 100:
 * the budget times when a call is sent, the sandbox counts when it arrives, and a call
 * sent at the end of one window can land in the next when the machine is busy. Scaled
 * down, 3 % would leave one call of room, and one late call was a 429 beside the ingest
 * bench (issue 25). Each replica alone would still send 7, three together 21 a window.
 */
const SAFETY_MARGIN = 0.3

/**
 * Three `tagrelay serve` processes on one PostgreSQL schema and one sandbox location
 * limited to 10 calls a second. Each event carries its own tag, so no two can share a
 * bulk call: 60 tag calls, six windows' worth. Each replica alone would spend a whole
 * window (7 calls, with the margin above) at once, over twice the limit together; the
 * budget they share through PostgreSQL keeps them to it (with `rateLimit.shared: false`
 * this test sees 429s: MULTI_REPLICA_SHARED=false shows it). Also checked: leases (no job delivered twice) and completeness.
 */
if (url) {
  t.test('replicas share one database and one budget: every event delivered once, no 429', async (t) => {
    const schema = freshSchema(t, url)
    const sandbox = await startSandbox({ tokens: { [TOKEN]: LOCATION }, limits: LIMIT })
    t.teardown(() => sandbox.close())
    const contacts = Array.from({ length: EVENTS }, (_, i) =>
      sandbox.seedContact({ locationId: LOCATION, email: `c${i}@example.com` }),
    )
    // migrate once, as a deploy step would; the replicas then start with migrate: false.
    // Load shedding is off: the event loop of a replica on a busy machine can lag past its
    // 1 s threshold, and a 503 TAGRELAY_OVERLOADED is not what this test is about
    await (await openStore({ url, postgres: { schema } })).close()

    const dir = t.testdir({
      'tagrelay.yaml': `
server: { host: 127.0.0.1, port: 0 }
store: { url: "${url}", migrate: false, postgres: { schema: ${schema}, poolSize: 4 } }
log: { level: info }
overload: { enabled: false }
delivery: { pollIntervalMs: 20, batchSize: 5, leaseMs: 30000, rateLimit: { max: ${LIMIT.burst}, intervalMs: ${LIMIT.intervalMs}, safetyMargin: ${SAFETY_MARGIN}, shared: ${process.env.MULTI_REPLICA_SHARED ?? 'true'} } }
highlevel: { baseUrl: "${sandbox.url}", locations: { main: { locationId: ${LOCATION}, auth: { type: private-integration, token: ${TOKEN} } } } }
sources: { forms: { location: main, verify: { type: none } } }
rules: [ { name: tag, source: forms, contact: { id: contactId }, tags: [replicated, "n-{{ n }}"] } ]
`,
    })
    const children = Array.from({ length: REPLICAS }, () => spawnCli(['serve', '--config', join(dir, 'tagrelay.yaml')]))
    t.teardown(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    })
    const applied = children.map(() => 0)
    const stderr = children.map(() => '')
    // counted by whole lines: a busy machine splits a log line across two chunks
    children.forEach((child, i) => {
      child.stderr!.on('data', (c: Buffer) => (stderr[i] += c.toString()))
      let partial = ''
      child.stdout!.on('data', (c: Buffer) => {
        const lines = (partial + c.toString()).split('\n')
        partial = lines.pop()!
        applied[i]! += lines.filter((line) => line.includes('"msg":"tags applied"')).length
      })
    })
    const urls = await Promise.all(children.map((child) => listeningUrl(child)))

    const started = Date.now()
    for (let i = 0; i < EVENTS; i++) {
      const res = await fetch(`${urls[i % REPLICAS]}/hooks/forms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contactId: contacts[i]!.id, n: i }),
      })
      t.equal(res.status, 202, `event ${i} accepted`)
    }

    const store = await openStore({ url, postgres: { schema }, migrate: false })
    t.teardown(() => store.close())
    await until(t, 'every job done', async () => (await store.housekeeping.countJobs('done')) >= EVENTS)
    t.equal(await store.housekeeping.countJobs('done'), EVENTS, 'every job delivered')
    t.ok(
      contacts.every((c) => sandbox.getContact(c.id)?.tags.includes('replicated')),
      'every contact tagged',
    )
    // the engine may bulk jobs awaiting the same tags, so calls can be fewer than jobs, never more
    t.ok(
      contacts.every((c, i) => sandbox.getContact(c.id)?.tags.includes(`n-${i}`)),
      "each with its event's own tag",
    )
    // distinct tags: no bulk call can carry two jobs, so one call per job, none twice
    const tagCalls =
      (sandbox.calls['POST /contacts/:contactId/tags'] ?? 0) +
      (sandbox.calls['POST /contacts/bulk/tags/update/:type'] ?? 0)
    t.equal(tagCalls, EVENTS, `${tagCalls} tag calls for ${EVENTS} jobs: none delivered twice`)
    t.ok(
      (await store.housekeeping.listJobs()).every((j) => j.attempts === 1),
      'one attempt per job',
    )
    // a replica logs a delivery after its commit, so the last lines can still be on their way
    const logged = () => applied.reduce((a, b) => a + b, 0)
    await until(t, 'every delivery logged', () => logged() >= EVENTS)
    t.equal(logged(), EVENTS, `deliveries per replica: ${applied.join(', ')}`)
    t.ok(applied.filter((n) => n > 0).length >= 2, 'the work was shared: more than one replica delivered')
    t.equal(
      sandbox.rateLimited,
      0,
      `no 429 from the sandbox (${EVENTS} calls in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    )
    t.equal(sandbox.calls.total, tagCalls, 'no call beyond the tag calls (no retry, no lookup)')
    for (const c of children) c.kill('SIGTERM')
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode === null ? c.on('exit', r) : r(null)))))
    // pg warns (once a process) of a query sent to a client still busy with another, which
    // pg 9 refuses: a new connection's search_path must be set before it is handed out
    stderr.forEach((text, i) => t.notMatch(text, /DeprecationWarning/, `replica ${i + 1} printed no warning`))
  })
}

function listeningUrl(child: ReturnType<typeof spawnCli>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    const onStderr = (c: Buffer) => (stderr += c.toString())
    // waits for the line or the replica's end, with no clock: three replicas starting beside
    // a benchmark took over the 20 s a timer here allowed; a hung one meets the file's timeout
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`replica ended (${code ?? signal}) before listening: ${stderr}`))
    const onStdout = (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      const listening = lines.find((line) => line.includes('tagrelay listening'))
      if (listening === undefined) return
      child.off('exit', onExit)
      child.stderr!.off('data', onStderr)
      child.stdout!.off('data', onStdout)
      resolve((JSON.parse(listening) as { url: string }).url)
    }
    child.once('exit', onExit)
    child.stderr!.on('data', onStderr)
    child.stdout!.on('data', onStdout)
  })
}
