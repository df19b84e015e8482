import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { childEnv, repoRoot } from '../helpers/cli.js'
import type { Tap } from '../store/fixtures.js'

const metrics = (covered: number, total: number) => {
  const m = { total, covered, skipped: 0, pct: (covered / total) * 100 }
  return { lines: m, statements: m, functions: m, branches: m }
}

/** A tap coverage summary: well-covered SQLite code, barely covered PostgreSQL code. */
function project(t: Tap): string {
  const dir = t.testdirName
  const summary = {
    total: metrics(950, 1200),
    [join(dir, 'src/store/sqlite/store.ts')]: metrics(950, 1000),
    [join(dir, 'src/store/postgres/store.ts')]: metrics(0, 200),
  }
  t.testdir({ '.tap': { report: { 'coverage-summary.json': JSON.stringify(summary) } } })
  return dir
}

const run = (cwd: string, env: Record<string, string> = {}) => {
  const base = childEnv()
  delete base.TEST_DATABASE_URL
  return spawnSync(process.execPath, [join(repoRoot, 'scripts/check-coverage.mjs')], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
  })
}

t.test('without TEST_DATABASE_URL the PostgreSQL-only files are left out of the floor, and it says so', async (t) => {
  const r = run(project(t))
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /TEST_DATABASE_URL is not set.*1 PostgreSQL-only files are left out/)
  t.match(r.stdout, /coverage lines\s+95%/)
})

t.test('with TEST_DATABASE_URL they count: a skipped PostgreSQL suite fails the floor', async (t) => {
  const r = run(project(t), { TEST_DATABASE_URL: 'postgres://x@127.0.0.1/test' })
  t.equal(r.status, 1)
  t.match(r.stdout, /coverage lines\s+79\.16%/)
  t.match(r.stderr, /below the floor: lines, statements, functions, branches/)
})

t.test('the SQLite code alone still has to meet the floor', async (t) => {
  const dir = t.testdir({
    '.tap': { report: { 'coverage-summary.json': JSON.stringify({ total: {}, '/x/src/a.ts': metrics(80, 100) }) } },
  })
  const r = run(dir)
  t.equal(r.status, 1)
  t.match(r.stderr, /below the floor/)
})

t.test('no report: a clear message', async (t) => {
  const r = run(t.testdir())
  t.equal(r.status, 1)
  t.match(r.stderr, /cannot read \.tap\/report\/coverage-summary\.json \(ENOENT\); run tap first/)
})
