#!/usr/bin/env node
// The suite's runner (`npm test`, `npm run test:unit`, `npm run test:fast`): the test files
// compiled ahead to JavaScript (run-tests/build.mjs), each a tap test printing TAP, run in
// Node processes `jobs` at a time, and one more for the real-time files (test/slow.txt),
// which mostly wait (run-tests/queue.mjs): the files of test/own-process.txt in a process
// each, every other file in a shared process (run-tests/batch.mjs) that asks for the next
// file whenever it is free, since starting a process costs more than most files' tests.
// The checks (lint, format, types) run first, as jobs beside them.
//
// Why not tap's runner: it gives every test process, and every process a test starts,
// its process-info loader; that, not the tests, was half the suite's CPU (measured in
// docs/development.md). The tests still are tap tests: `npx tap <file>` runs one with
// tap's reporter, `node --import tsx <file>` prints its TAP.
//
//   node scripts/run-tests.mjs [--fast] [--coverage] [--checks] [--from-source] [--isolate] [--jobs=N] [path...]
//
// --fast leaves out test/slow.txt's real-time files; --coverage collects coverage, writes
// tap's report (.tap/report) and holds it to the floor (check-coverage.mjs); --checks adds
// lint, format and typecheck; --from-source runs the TypeScript under tsx (package.json
// `tap.node-arg`) instead of the compiled copy; --isolate gives every file a process of its
// own; paths (files or folders) narrow the run. Exit status 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { keepSrcCoverage, reportCoverage, resetCoverage, coverageDirs } from './run-tests/coverage.mjs'
import { buildTests } from './run-tests/build.mjs'
import { killTree } from './run-tests/kill-tree.mjs'
import { globsOf, globToRegExp, listTestFiles, longestFirst } from './run-tests/files.mjs'
import { laneRules, Queue } from './run-tests/queue.mjs'
import { parseBatch, parseSummary } from './run-tests/summary.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const tapConfig = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).tap
const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const unknown = args.filter(
  (a) => a.startsWith('--') && !/^--(fast|coverage|checks|from-source|isolate|jobs=\d+)$/.test(a),
)
if (unknown.length > 0) {
  console.error(
    `run-tests: unknown option ${unknown.join(', ')} (known: --fast, --coverage, --checks, --from-source, --isolate, --jobs=N)`,
  )
  process.exit(2)
}
const jobs = Number(args.find((a) => a.startsWith('--jobs='))?.slice(7) ?? tapConfig.jobs)
const coverage = flag('coverage')
const slow = globsOf(root, 'test/slow.txt')
const slowRe = slow.map(globToRegExp)
const realTime = (file) => slowRe.some((r) => r.test(file))
const ownRe = globsOf(root, 'test/own-process.txt').map(globToRegExp)
/**
 * Seconds a file may run before it is killed with its children: a guard against a hung
 * file, not a speed assertion. The real-time files (test/slow.txt) get three times
 * `tap.timeout`: the docs' runnable blocks install and build two fresh checkouts, which
 * beside a benchmark on two cores took over 190 s.
 */
const timeoutOf = (file) => tapConfig.timeout * (realTime(file) ? 3 : 1)
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
const pathOf = (file) => (built ? join(built, file.replace(/\.ts$/, '.js')) : file)
const nodeArgs = built ? [] : tapConfig['node-arg']
const alone = files.filter((f) => flag('isolate') || ownRe.some((r) => r.test(f)))
const queue = new Queue([
  ...checks,
  ...files.map((file) =>
    alone.includes(file)
      ? {
          name: file,
          files: [file],
          realTime: realTime(file),
          timeout: timeoutOf(file),
          cmd: process.execPath,
          argv: [...nodeArgs, pathOf(file)],
        }
      : { file, batchable: true, realTime: realTime(file) },
  ),
])
if (coverage) resetCoverage(root)
const script = (name) =>
  spawnSync(process.execPath, [join(root, 'scripts', name)], { cwd: root, stdio: 'inherit' }).status
// the tests import tap's Test class: built for package.json's plugins (tap-build.mjs says why)
if (script('tap-build.mjs') !== 0) process.exit(1)

let started = 0
/**
 * Runs one unit to its end; a hung one is killed with its children at its timeout. A
 * batch's timeout is its current file's: the batch asks for each file over its IPC
 * channel, and each answer gives the file and its timeout, and restarts the clock.
 */
function run(unit, nextFile) {
  const began = Date.now()
  const n = started++
  const env = { ...process.env, TAP_TIMEOUT: String(unit.timeout ?? tapConfig.timeout) }
  if (coverage && unit.files) env.NODE_V8_COVERAGE = coverageDirs(root).raw(n)
  const stdio = ['ignore', 'pipe', 'pipe', ...(unit.batch ? ['ipc'] : [])]
  const child = spawn(unit.cmd, unit.argv, { cwd: root, env, detached: true, stdio })
  const chunks = []
  child.stdout.on('data', (c) => chunks.push(c))
  child.stderr.on('data', (c) => chunks.push(c))
  let timedOut = false
  let timer
  let timeout
  const arm = (seconds) => {
    clearTimeout(timer)
    timeout = seconds
    timer = setTimeout(
      () => {
        timedOut = true
        killTree(child.pid)
      },
      (seconds + 10) * 1000,
    )
  }
  arm(unit.timeout ?? tapConfig.timeout)
  if (unit.batch)
    child.on('message', (m) => {
      // tap's root test says its timeouts to a parent that listens (tap's own runner): not asked here
      if (m?.tagrelayBatch !== 'next') return
      const file = nextFile()
      if (!file) return child.send({ end: true })
      unit.files.push(file)
      arm(timeoutOf(file))
      child.send({ file: pathOf(file), timeout: timeoutOf(file) })
    })
  running.add(child)
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const output = Buffer.concat(chunks).toString('utf8')
      const why = timedOut ? `killed after ${timeout + 10} s` : signal ? `killed by ${signal}` : `exit ${code}`
      if (coverage && unit.files) keepSrcCoverage(root, n, built ?? root)
      resolve(outcomes({ unit, exited: code === 0 && !timedOut, why, output, ms: Date.now() - began }))
    })
  })
}

/**
 * What a unit's run says of each of its files (a check: of itself). A file passed when its
 * process ended well and its counts show no failure; in a batch, when it ended with no
 * failure, and the batch itself fails when its process did not end well after them all.
 */
function outcomes({ unit, exited, why, output, ms }) {
  if (!unit.files) return [{ name: unit.name, ok: exited, why, ms, counts: null, output }]
  if (!unit.batch) {
    const counts = parseSummary(output)
    return [{ name: unit.name, file: unit.name, ok: exited && counts?.fail === 0, why, ms, counts, output }]
  }
  const parts = parseBatch(output)
  const results = unit.files.map((file) => {
    const part = parts.get(pathOf(file))
    if (!part)
      return { name: file, file, ok: false, why: `not run: the batch ended before it (${why})`, ms: 0, output: '' }
    const { counts, section } = part
    const ms = part.ms ?? 0
    if (!counts)
      return { name: file, file, ok: false, why: `the batch ended in it (${why})`, ms, counts, output: section }
    return { name: file, file, ok: counts.fail === 0, why: `${counts.fail} failed`, ms, counts, output: section }
  })
  const counts = parseSummary(output)
  if (results.every((r) => r.ok) && !(exited && counts?.fail === 0))
    results.push({ name: unit.name, ok: false, why, ms: 0, output: output.slice(-20_000) })
  if (results.some((r) => !r.ok))
    results.at(-1).rerun =
      `TAP_TIMEOUT=${unit.files.reduce((n, f) => n + timeoutOf(f), 0)} ` +
      `TAP_FILE_TIMEOUT=${Math.max(...unit.files.map(timeoutOf))} ` +
      `${unit.cmd} ${[...unit.argv, ...unit.files.map(pathOf)].join(' ')}`
  return results
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
let batches = 0
/** A process for files that share one: it asks for them one at a time (run-tests/batch.mjs). */
const batchOf = (first, fits) => {
  let next = first
  return {
    unit: {
      name: `batch ${++batches}`,
      batch: true,
      files: [],
      cmd: process.execPath,
      argv: [...nodeArgs, join(root, 'scripts/run-tests/batch.mjs')],
    },
    nextFile: () => {
      const file = next?.file ?? queue.takeForBatch(fits)?.file
      next = undefined
      return file
    },
  }
}
async function worker(fits) {
  for (let item = queue.take(fits); item; item = queue.take(fits)) {
    const from = Date.now() - began
    const { unit, nextFile } = item.batchable ? batchOf(item, fits) : { unit: item }
    for (const result of await run(unit, nextFile)) {
      results.push(result)
      const { name, ok, counts, ms } = result
      const asserts = counts ? String(counts.total).padStart(5) : '     '
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${seconds(ms)} s ${asserts}  ${name}${ok ? '' : `  (${result.why})`}`)
      if (!ok) console.log(result.output.replace(/^/gm, '    | '))
      if (result.rerun) console.log(`    the batch, to run it again: ${result.rerun}`)
    }
    // when each shared process ran: the schedule, for whoever wants the suite faster
    if (unit.batch)
      console.log(
        `     ${seconds(Date.now() - began - from)} s        ${unit.name} (${unit.files.length} files), started ${(from / 1000).toFixed(1)} s in`,
      )
  }
}
const seconds = (ms) => (ms / 1000).toFixed(1).padStart(6)

await Promise.all(laneRules(queue, jobs).map(worker))

const sum = (k) => results.reduce((n, r) => n + (r.counts?.[k] ?? 0), 0)
const failed = results.filter((r) => !r.ok)
mkdirSync(dirname(durationsFile), { recursive: true })
// a run of a few files keeps the others' times for the next whole run
writeFileSync(
  durationsFile,
  JSON.stringify({ ...durations, ...Object.fromEntries(results.filter((r) => r.file).map((r) => [r.file, r.ms])) }),
)
console.log(
  `\n# ${files.length} test files${checks.length ? ` and ${checks.length} checks` : ''}, ${failed.length} failed; ` +
    `${sum('total')} assertions: ${sum('pass')} pass, ${sum('fail')} fail, ${sum('skip')} skip, ${sum('todo')} todo; ` +
    `${((Date.now() - began) / 1000).toFixed(1)} s`,
)
for (const r of failed) console.log(`# failed: ${r.name} (${r.why})`)
if (failed.length > 0) process.exit(1)
if (coverage) {
  await reportCoverage(root, tapConfig['coverage-report'])
  process.exit(script('check-coverage.mjs') === 0 ? 0 : 1)
}
