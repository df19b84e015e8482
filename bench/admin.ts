import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { compileConfigRules, validateConfig } from '../src/config/index.js'
import { buildApp } from '../src/http/index.js'
import { createLogger } from '../src/log.js'
import { createSourceRegistry } from '../src/sources/index.js'
import { openStore } from '../src/store/index.js'

/**
 * The console's lists at scale: BENCH_EVENTS (default 1,000,000) events in a SQLite
 * store, each list filter of GET /admin/events timed through the HTTP app (inject), 60
 * calls per filter with varying values, p95 in ms. The data is written straight into the
 * migrated file in one transaction (the ingest bench measures writing): 5 sources, 3
 * locations, 200,000 people with about 5 events each, 10 % of events matching no rule
 * (no job, the person on the event), jobs 96 % done, 3 % pending, 1 % dead.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const CALLS = Number(process.env.BENCH_CALLS ?? 60)
const PEOPLE = Math.max(1, Math.floor(EVENTS / 5))
const SOURCES = ['forms', 's1', 's2', 's3', 's4']
const LOCATIONS = ['main', 'second', 'third']
const RULES = Array.from({ length: 10 }, (_, i) => `rule-${i}`)
const TAGS = Array.from({ length: 20 }, (_, i) => `tag-${i}`)
const ADMIN = 'bench-admin-token-0123456789'
const DAY = 86_400_000

let seed = 42
const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
const email = (n: number): string => `person${n}@example.com`
const phone = (n: number): string => `+1415${String(5_000_000 + n).padStart(7, '0')}`

function fill(path: string, start: number): void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const event =
    db.prepare(`INSERT INTO events (id, source, received_at, headers, body, tags, "explain", contact_email, contact_phone)
    VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?)`)
  const job =
    db.prepare(`INSERT INTO jobs (event_id, location, contact_email, contact_phone, add_tags, remove_tags, rules, status, attempts, last_error, run_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, '[]', ?, ?, 1, ?, ?, ?, ?)`)
  const step = (30 * DAY) / EVENTS
  db.transaction(() => {
    for (let i = 0; i < EVENTS; i++) {
      const at = Math.floor(start + i * step)
      const id = `${at.toString(16).padStart(12, '0')}-${i.toString(16).padStart(8, '0')}`
      const person = Math.floor(rand() * PEOPLE)
      const matched = rand() < 0.9
      const rules = matched ? [pick(RULES)] : []
      const tags = matched ? [...new Set([pick(TAGS), pick(TAGS)])] : []
      const explain = JSON.stringify({ rulesVersion: 'bench', matched: rules, unmatched: [] })
      const body = JSON.stringify({ email: email(person), n: i })
      event.run(id, pick(SOURCES), at, body, JSON.stringify(tags), explain, email(person), phone(person))
      if (!matched) continue
      const r = rand()
      const status = r < 0.01 ? 'dead' : r < 0.04 ? 'pending' : 'done'
      const error = status === 'dead' ? 'HighLevel 422: bad' : null
      job.run(
        id,
        pick(LOCATIONS),
        email(person),
        phone(person),
        JSON.stringify(tags),
        JSON.stringify(rules),
        status,
        error,
        at,
        at,
        at,
      )
    }
  })()
  db.exec('ANALYZE')
  db.close()
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return Math.round((sorted[Math.ceil(sorted.length * 0.95) - 1] ?? 0) * 10) / 10
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-bench-admin-'))
  const path = join(dir, 'admin.db')
  try {
    const url = `sqlite:${path}`
    await (await openStore({ url })).close()
    const start = Date.now() - 30 * DAY
    let t0 = performance.now()
    fill(path, start)
    console.log(`wrote ${EVENTS} events in ${Math.round(performance.now() - t0)} ms`)

    const config = validateConfig(
      {
        store: { url },
        highlevel: {
          locations: Object.fromEntries(
            LOCATIONS.map((l, i) => [
              l,
              { locationId: `loc${i}`, auth: { type: 'private-integration', token: 'x'.repeat(20) } },
            ]),
          ),
        },
        sources: Object.fromEntries(SOURCES.map((s) => [s, { location: 'main', verify: { type: 'none' } }])),
        rules: [],
        admin: { token: ADMIN },
      },
      'bench',
      { env: {} },
    )
    const store = await openStore({ url })
    const rules = compileConfigRules(config)
    const app = await buildApp({
      config,
      store,
      sources: createSourceRegistry(config.sources),
      rules: () => rules,
      logger: createLogger({ level: 'silent' }),
    })
    const window = (): string => {
      const from = start + Math.floor(rand() * 29 * DAY)
      return `since=${new Date(from).toISOString()}&until=${new Date(from + 3_600_000).toISOString()}`
    }
    const filters: Record<string, () => string> = {
      none: () => '',
      source: () => `source=${pick(SOURCES)}`,
      location: () => `location=${pick(LOCATIONS)}`,
      'status=done': () => 'status=done',
      'status=pending': () => 'status=pending',
      'status=dead': () => 'status=dead',
      'status=none': () => 'status=none',
      'contact email': () => `contact=${encodeURIComponent(email(Math.floor(rand() * PEOPLE)).toUpperCase())}`,
      'contact phone': () => `contact=${encodeURIComponent(phone(Math.floor(rand() * PEOPLE)))}`,
      rule: () => `rule=${pick(RULES)}`,
      tag: () => `tag=${pick(TAGS)}`,
      'time range (1 h)': window,
      'source+status=dead': () => `source=${pick(SOURCES)}&status=dead`,
    }
    const results: Record<string, number> = {}
    for (const [name, query] of Object.entries(filters)) {
      const samples: number[] = []
      for (let i = 0; i < CALLS; i++) {
        const q = query()
        t0 = performance.now()
        const res = await app.inject({
          url: `/admin/events?limit=50&${q}`,
          headers: { authorization: `Bearer ${ADMIN}` },
        })
        samples.push(performance.now() - t0)
        if (res.statusCode !== 200) throw new Error(`${q}: ${res.statusCode} ${res.body}`)
        // the second page too: the keyset cursor must be as quick as the first page
        const next = res.json<{ nextCursor: string | null }>().nextCursor
        if (next && i % 2 === 0) {
          t0 = performance.now()
          await app.inject({
            url: `/admin/events?limit=50&${q}&cursor=${next}`,
            headers: { authorization: `Bearer ${ADMIN}` },
          })
          samples.push(performance.now() - t0)
        }
      }
      results[name] = p95(samples)
      console.log(`${name.padEnd(20)} p95 ${results[name]} ms (${samples.length} calls)`)
    }
    await app.close()
    await store.close()
    const worst = Math.max(...Object.values(results))
    console.log(`worst p95 ${worst} ms (limit 50 ms)`)
    console.log(JSON.stringify({ bench: 'admin', events: EVENTS, p95Ms: results }))
    if (worst > 50) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
