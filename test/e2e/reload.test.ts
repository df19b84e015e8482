import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { spawnCli } from '../helpers/cli.js'

const CONFIG = `
server: { host: 127.0.0.1, port: 0 }
store: { url: "sqlite:./data/t.db" }
delivery: { enabled: false }
highlevel: { locations: { main: { locationId: L, auth: { type: private-integration, token: pit-x } } } }
sources: { forms: { location: main, verify: { type: none } } }
rulesFrom: [./rules/]
`
const V1 = '- { name: lead, source: forms, contact: { email: email }, tags: [v1] }\n'
const V2 = '- { name: lead, source: forms, contact: { email: email }, tags: [v2] }\n'
const BROKEN = `- name: a
  source: forms
  when: { field: x, equal: 1 }
  contact: { email: email }
  tags: [a]
- name: b
  source: forms
  when: { field: x, matches: "(?<=x)y" }
  contact: { email: email }
  tags: [b]
- name: c
  source: forms
  location: mars
  contact: { email: email }
  tags: [c]
`

t.test('SIGHUP with a broken rules file keeps the old rules; with a good one swaps them', async (t) => {
  const dir = t.testdir({ 'tagrelay.yaml': CONFIG, rules: { 'main.yaml': V1 }, data: {} })
  const child = spawnCli(['serve', '--config', join(dir, 'tagrelay.yaml')], {
    TAGRELAY_STORE_URL: `sqlite:${join(dir, 'data', 't.db')}`,
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const lines: Array<Record<string, unknown>> = []
  let buffer = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>)
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const waitFor = async (pred: (l: Record<string, unknown>) => boolean, what: string) => {
    for (let i = 0; i < 300; i++) {
      const hit = lines.find(pred)
      if (hit) return hit
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`)
  }

  const listening = await waitFor((l) => l.msg === 'tagrelay listening', 'listening')
  const url = listening.url as string
  const v1 = listening.rules as string
  const ready = async () => (await (await fetch(`${url}/readyz`)).json()) as { rules: string }
  const post = async () =>
    (await (
      await fetch(`${url}/hooks/forms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"a@example.com"}',
      })
    ).json()) as { tags: string[] }
  t.equal((await ready()).rules, v1)
  t.same((await post()).tags, ['v1'])

  writeFileSync(join(dir, 'rules', 'main.yaml'), BROKEN)
  child.kill('SIGHUP')
  const refused = await waitFor(
    (l) => l.msg === 'rules reload refused; the running rules stay in force' && l.trigger === 'SIGHUP',
    'refusal',
  )
  const problems = refused.problems as string[]
  t.equal(problems.length, 3, 'all three mistakes reported')
  t.match(problems[0], /main\.yaml:3:9\)$/)
  t.match(problems[1], /main\.yaml:8:\d+\)$/)
  t.match(problems[2], /unknown location "mars".*main\.yaml:13:13\)$/)
  t.equal((await ready()).rules, v1, '/readyz still shows the old rules')
  t.same((await post()).tags, ['v1'], 'events are still tagged by the old rules')

  writeFileSync(join(dir, 'rules', 'main.yaml'), V2)
  child.kill('SIGHUP')
  // the file watcher may have reloaded first (then SIGHUP finds the rules unchanged)
  const reloaded = await waitFor((l) => String(l.msg).startsWith('rules reloaded') && l.trigger === 'SIGHUP', 'reload')
  t.not(reloaded.rules, v1)
  t.equal((await ready()).rules, reloaded.rules, '/readyz shows the new version')
  t.same((await post()).tags, ['v2'])

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'still stops cleanly')
})
