#!/usr/bin/env node
// The suite's runner (`npm test`, `npm run test:unit`, `npm run test:fast`): every test file
// in a Node process of its own, `jobs` at a time, compiled ahead to JavaScript
// (run-tests/build.mjs), each a tap test printing TAP; the checks (lint, format, types)
// run as jobs beside them.
//
// Why not tap's runner: it gives every test process, and every process a test starts,
// its process-info loader; that, not the tests, was half the suite's CPU (measured in
// docs/development.md). The tests still are tap tests: `npx tap <file>` runs one with
// tap's reporter, `node --import tsx <file>` prints its TAP.
//
//   node scripts/run-tests.mjs [--fast] [--coverage] [--checks] [--from-source] [--jobs=N] [path...]
//
// --fast leaves out test/slow.txt's real-time files; --coverage collects coverage, writes
// tap's report (.tap/report) and holds it to the floor (check-coverage.mjs); --checks adds
// lint, format and typecheck;
// --from-source runs the TypeScript under tsx (package.json `tap.node-arg`) instead of the
// compiled copy; paths (files or folders) narrow the run. Exit status 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { keepSrcCoverage, reportCoverage, resetCoverage, coverageDirs } from './run-tests/coverage.mjs'
import { buildTests } from './run-tests/build.mjs'
import { killTree } from './run-tests/kill-tree.mjs'
import { globToRegExp, listTestFiles, longestFirst, slowGlobs } from './run-tests/files.mjs'
import { parseSummary } from './run-tests/summary.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const tapConfig = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).tap
const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const unknown = args.filter((a) => a.startsWith('--') && !/^--(fast|coverage|checks|from-source|jobs=\d+)$/.test(a))
if (unknown.length > 0) {
  console.error(
    `run-tests: unknown option ${unknown.join(', ')} (known: --fast, --coverage, --checks, --from-source, --jobs=N)`,
  )
  process.exit(2)
}
const jobs = Number(args.find((a) => a.startsWith('--jobs='))?.slice(7) ?? tapConfig.jobs)
const coverage = flag('coverage')
const slow = slowGlobs(root)
const slowRe = slow.map(globToRegExp)
/**
 * Seconds a file may run before it is killed with its children: a guard against a hung
 * file, not a speed assertion. The real-time files (test/slow.txt) get three times
 * `tap.timeout`: the docs' runnable blocks install and build two fresh checkouts, which
 * beside a benchmark on two cores took over 190 s.
 */
const timeoutOf = (unit) => tapConfig.timeout * (unit.file && slowRe.some((r) => r.test(unit.file)) ? 3 : 1)
const durationsFile = join(root, '.tap/test-durations.json')

let durations = {}
try {
  durations = JSON.parse(readFileSync(durationsFile, 'utf8'))
} catch {
  // no earlier run on this checkout: longestFirst guesses
}
const files = longestFirst(
  listTestFiles({
    root,
    include: tapConfig.include,
    exclude: flag('fast') ? slow : [],
    only: args.filter((a) => !a.startsWith('--')),
  }),
  durations,
  slow,
)
const checks = flag('checks')
  ? ['lint', 'format:check', 'typecheck'].map((script) => ({
      name: `npm run ${script}`,
      cmd: 'npm',
      argv: ['run', '--silent', script],
    }))
  : []
const built = flag('from-source') ? null : buildTests(root)
const argvOf = (file) => (built ? [join(built, file.replace(/\.ts$/, '.js'))] : [...tapConfig['node-arg'], file])
const units = [
  ...checks,
  ...files.map((file, n) => ({ name: file, file, n, cmd: process.execPath, argv: argvOf(file) })),
]
if (coverage) resetCoverage(root)
const script = (name) =>
  spawnSync(process.execPath, [join(root, 'scripts', name)], { cwd: root, stdio: 'inherit' }).status
// the tests import tap's Test class: built for package.json's plugins (tap-build.mjs says why)
if (script('tap-build.mjs') !== 0) process.exit(1)

/** Runs one unit to its end; a hung one is killed with its children at the file timeout. */
function run(unit) {
  const started = Date.now()
  const timeout = timeoutOf(unit)
  const env = { ...process.env, TAP_TIMEOUT: String(timeout) }
  if (coverage && unit.file) env.NODE_V8_COVERAGE = coverageDirs(root).raw(unit.n)
  const child = spawn(unit.cmd, unit.argv, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks = []
  child.stdout.on('data', (c) => chunks.push(c))
  child.stderr.on('data', (c) => chunks.push(c))
  let timedOut = false
  const timer = setTimeout(
    () => {
      timedOut = true
      killTree(child.pid)
    },
    (timeout + 10) * 1000,
  )
  running.add(child)
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const output = Buffer.concat(chunks).toString('utf8')
      const counts = unit.file ? parseSummary(output) : null
      const ok = code === 0 && !timedOut && (!unit.file || (counts !== null && counts.fail === 0))
      const why = timedOut ? `killed after ${timeout + 10} s` : signal ? `killed by ${signal}` : `exit ${code}`
      if (coverage && unit.file) keepSrcCoverage(root, unit.n, built ?? root)
      resolve({ unit, ok, why, counts, output, ms: Date.now() - started })
    })
  })
}

const running = new Set()
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of running) killTree(child.pid)
    process.exit(130)
  })
}

const began = Date.now()
const results = []
let next = 0
async function worker() {
  while (next < units.length) {
    const result = await run(units[next++])
    results.push(result)
    const { unit, ok, counts, ms } = result
    const seconds = (ms / 1000).toFixed(1).padStart(6)
    const asserts = counts ? String(counts.total).padStart(5) : '     '
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${seconds} s ${asserts}  ${unit.name}${ok ? '' : `  (${result.why})`}`)
    if (!ok) console.log(result.output.replace(/^/gm, '    | '))
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, units.length) }, worker))

const sum = (k) => results.reduce((n, r) => n + (r.counts?.[k] ?? 0), 0)
const failed = results.filter((r) => !r.ok)
mkdirSync(dirname(durationsFile), { recursive: true })
writeFileSync(
  durationsFile,
  JSON.stringify(Object.fromEntries(results.filter((r) => r.unit.file).map((r) => [r.unit.file, r.ms]))),
)
console.log(
  `\n# ${files.length} test files${checks.length ? ` and ${checks.length} checks` : ''}, ${failed.length} failed; ` +
    `${sum('total')} assertions: ${sum('pass')} pass, ${sum('fail')} fail, ${sum('skip')} skip, ${sum('todo')} todo; ` +
    `${((Date.now() - began) / 1000).toFixed(1)} s`,
)
for (const r of failed) console.log(`# failed: ${r.unit.name} (${r.why})`)
if (failed.length > 0) process.exit(1)
if (coverage) {
  await reportCoverage(root, tapConfig['coverage-report'])
  process.exit(script('check-coverage.mjs') === 0 ? 0 : 1)
}
