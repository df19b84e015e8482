import { Readable } from 'node:stream'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { Agent, request } from 'undici'
import { spawnCli } from '../helpers/cli.js'
import { HL_TOKEN, LOCATION_ID, testSandbox } from '../helpers/build.js'

const GRACE_MS = 1500
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test(
  'SIGTERM under load: in-flight requests answered, leases released, exit within the grace period, no acknowledged event lost',
  async (t) => {
    // HighLevel answers slower than the grace period: deliveries are in flight at the end of it
    const sandbox = await testSandbox(t)
    sandbox.setFaults({ latencyMs: 4000 })
    const dir = t.testdir({ data: {} })
    const dbFile = join(dir, 'data', 'sigterm.db')
    const config = {
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: GRACE_MS },
      store: { url: `sqlite:${dbFile}` },
      log: { level: 'info' },
      delivery: { pollIntervalMs: 20, batchSize: 50 },
      // shutdown is under test, not load shedding: on a busy machine a lagging event loop
      // would answer 503 TAGRELAY_OVERLOADED, as testConfig's services do not either
      overload: { enabled: false },
      highlevel: {
        baseUrl: sandbox.url,
        timeoutMs: 10_000,
        locations: { main: { locationId: LOCATION_ID, auth: { type: 'private-integration', token: HL_TOKEN } } },
      },
      sources: { forms: { location: 'main', verify: { type: 'none' } } },
      rules: [{ name: 'lead', source: 'forms', contact: { id: 'contactId' }, tags: ['lead'] }],
    }
    const file = join(dir, 'tagrelay.yaml')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, JSON.stringify(config))

    const child = spawnCli(['serve', '--config', file])
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.on('exit', (code) => resolve({ code, at: Date.now() })),
    )
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    const lines: Array<Record<string, unknown>> = []
    let buffer = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (buffer + chunk.toString()).split('\n')
      buffer = parts.pop() ?? ''
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>)
    })
    let stderr = ''
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    let listening: Record<string, unknown> | undefined
    for (let i = 0; i < 400 && !listening; i++) {
      listening = lines.find((l) => l.msg === 'tagrelay listening')
      if (!listening) await sleep(50)
    }
    if (!listening) throw new Error(`the child did not start: ${stderr}`)
    const url = listening.url as string
    const agent = new Agent({ connections: 32 })
    t.teardown(() => agent.close())

    const acked: string[] = []
    const outcomes = { accepted: 0, unavailable: 0, refused: 0, other: [] as string[] }
    let seq = 0
    let stop = false
    const post = async (body: string | Readable) => {
      const res = await request(`${url}/hooks/forms`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body,
      })
      const json = (await res.body.json()) as { id?: string; code?: string }
      return { status: res.statusCode, json }
    }
    const loop = async () => {
      while (!stop) {
        try {
          const { status, json } = await post(JSON.stringify({ contactId: `c${++seq}` }))
          if (status === 202 && json.id) {
            acked.push(json.id)
            outcomes.accepted++
          } else if (status === 503 && json.code === 'TAGRELAY_SHUTTING_DOWN') outcomes.unavailable++
          else outcomes.other.push(`${status} ${JSON.stringify(json)}`)
        } catch {
          // the server stopped taking connections: a sender would retry later
          outcomes.refused++
          await sleep(20)
        }
      }
    }
    const loops = Array.from({ length: 8 }, loop)
    // at least 20 accepted and 500 ms of load (a busy test machine may need longer)
    const loadStart = Date.now()
    while ((outcomes.accepted < 20 || Date.now() - loadStart < 500) && Date.now() - loadStart < 15_000) await sleep(20)
    t.ok(outcomes.accepted >= 20, `load before the signal (${outcomes.accepted} accepted)`)

    // requests whose bodies are still arriving when the signal comes
    const slow = Array.from({ length: 3 }, (_, i) => {
      const body = new Readable({ read() {} })
      body.push(`{"contactId": "slow${i}",`)
      setTimeout(() => {
        body.push(' "padding": "x"}')
        body.push(null)
      }, 400)
      return post(body)
    })
    await sleep(100)
    const signalledAt = Date.now()
    child.kill('SIGTERM')
    const slowAnswers = await Promise.all(slow)
    for (const a of slowAnswers) {
      t.equal(a.status, 202, 'a request in flight at SIGTERM is answered and stored')
      if (a.json.id) acked.push(a.json.id)
    }
    const { code, at } = await exited
    stop = true
    await Promise.all(loops)

    t.equal(code, 0, `clean exit (stderr: ${stderr.slice(0, 500)})`)
    // the stop itself, by the child's own clock, keeps the grace period. The wall clock from
    // the signal to the exit is reported, not asserted: it adds signal delivery and process
    // exit, which a loaded machine stretched to 3.9 s beside a 1.5 s grace (issue 25)
    const stopping = lines.find((l) => l.msg === 'shutting down')?.time as number
    const stopped = lines.find((l) => l.msg === 'tagrelay stopped')?.time as number
    t.ok(
      stopped - stopping <= GRACE_MS + 500,
      `stop took ${stopped - stopping} ms in the child (grace ${GRACE_MS} ms; exited ${at - signalledAt} ms after SIGTERM)`,
    )
    t.same(outcomes.other, [], 'every answer was 202 or 503 TAGRELAY_SHUTTING_DOWN')
    t.ok(
      lines.some((l) => l.msg === 'deliveries still in flight at the end of the grace period'),
      'deliveries were in flight when the grace ran out',
    )
    const released = lines.find((l) => l.msg === 'released leases of undelivered jobs')
    t.ok(released && (released.released as number) > 0, `leases released (${String(released?.released)})`)
    t.ok(lines.some((l) => l.msg === 'tagrelay stopped'))

    const db = new Database(dbFile, { readonly: true })
    t.teardown(() => db.close())
    const stored = new Set((db.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id))
    const lost = acked.filter((id) => !stored.has(id))
    t.same(lost, [], `all ${acked.length} acknowledged events are stored`)
    const leased = db.prepare('SELECT count(*) AS n FROM jobs WHERE lease_owner IS NOT NULL').get() as { n: number }
    t.equal(leased.n, 0, 'no job is left leased: a restart delivers them at once')
    const pending = db.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'pending'").get() as { n: number }
    t.ok(pending.n > 0, `undelivered jobs wait as pending (${pending.n})`)
    t.comment(
      `accepted ${outcomes.accepted}, 503 ${outcomes.unavailable}, refused connections ${outcomes.refused}, exit ${at - signalledAt} ms after SIGTERM`,
    )
  },
)
