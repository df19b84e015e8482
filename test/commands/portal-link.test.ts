import { createHash } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { runCli } from '../helpers/cli.js'

const config = (dir: string, extra = '') => `highlevel:
  locations:
    acme: { locationId: AcmeLoc0000000000001, auth: { type: private-integration, token: "\${HL_TOKEN_MAIN}" } }
store: { url: "sqlite:${dir}/t.db" }
admin: { token: "adm-0123456789abcdef0123456789abcdef" }
${extra}`

t.test('tagrelay portal-link prints a one-time link of a location; only the hash is stored', async (t) => {
  const dir = t.testdir({})
  const file = join(dir, 'c.yaml')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, config(dir, 'server: { publicUrl: "https://tags.example.com/" }'))
  const r = runCli(['portal-link', '-c', file, '--location', 'acme', '--viewer', '--ttl', '30'])
  t.equal(r.status, 0, r.stderr)
  const [url, about] = r.stdout.trim().split('\n') as [string, string]
  t.match(url, /^https:\/\/tags\.example\.com\/console\/portal#[A-Za-z0-9_-]{43}$/)
  t.match(about, /^\(viewer, acme; single use, expires \S+; id \S+\)$/)
  const secret = url.split('#')[1] as string
  const store = await openStore({ url: `sqlite:${dir}/t.db` })
  t.teardown(() => store.close())
  const [link] = await store.portalLinks.list(5)
  t.match(link, {
    scope: { kind: 'locations', locationIds: ['AcmeLoc0000000000001'] },
    role: 'viewer',
    secretHash: createHash('sha256').update(secret).digest('hex'),
    createdBy: 'tagrelay portal-link',
  })
  t.equal((link?.expiresAt ?? 0) - (link?.createdAt ?? 0), 30 * 60_000)
})

t.test('bad arguments are refused clearly (exit 2)', async (t) => {
  const dir = t.testdir({})
  const { writeFileSync } = await import('node:fs')
  const file = join(dir, 'c.yaml')
  writeFileSync(file, config(dir))
  const cases: Array<[string[], RegExp]> = [
    [[], /needs --location NAME \(one or more\) or --company ID, not both/],
    [['--location', 'acme', '--company', 'c1'], /not both/],
    [['--location', 'acme', '--ttl', '0'], /--ttl must be minutes from 1 to 10080/],
    [['--location', 'acme'], /set server\.publicUrl in the config, or pass --url/],
    [['--location', 'nowhere', '--url', 'https://x.example'], /no location "nowhere" \(known: acme\)/],
  ]
  for (const [args, message] of cases) {
    const r = runCli(['portal-link', '-c', file, ...args])
    t.equal(r.status, 2, args.join(' '))
    t.match(r.stderr, message, args.join(' '))
  }
  const company = runCli(['portal-link', '-c', file, '--company', 'co-9', '--url', 'https://x.example'])
  t.equal(company.status, 0, company.stderr)
  t.match(company.stdout, /^https:\/\/x\.example\/console\/portal#/)
  t.match(company.stdout, /\(admin, company co-9;/)
})
