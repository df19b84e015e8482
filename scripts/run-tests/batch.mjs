// One test process running several test files, one after the other:
//
//   node scripts/run-tests/batch.mjs <file> [file...]
//
// or, started by scripts/run-tests.mjs with an IPC channel and no file, asking the runner
// for one file after another (a message `{ file, timeout }` answers each ask, `{ end: true }`
// the last), so that the runner deals files to whichever process is free.
//
// Why: a test file's process spends most of its CPU starting (Node, tap, undici, fastify,
// zod and src/ loaded and compiled) before its first test: about 0.5 s of a file that then
// runs 0.1 s of tests. Files sharing a process load all that once (docs/development.md,
// "How the suite runs").
//
// Each file is imported only when the previous one has finished: its tests register on
// tap's root test, which runs them in order; the root going idle means the file's tests,
// and their teardowns, are done. A file therefore starts as it would in a process of its
// own, except that modules are already loaded. Before and after each file a comment goes
// out (`# tagrelay-file <file>`, `# tagrelay-file-end <file> <ms> <counts>`) from which the
// runner reports each file on its own line and shows only a failed file's output.
//
// A file that has not finished after TAP_FILE_TIMEOUT seconds (or its message's timeout)
// fails the batch: its name and the handles keeping it alive are printed, and the process
// exits. A file that sets the root test's timeout (`t.setTimeout()` at its top level) sets
// it for itself: the batch's own (TAP_TIMEOUT; over IPC, a little past the file's) is put
// back before the next file starts.
//
// What the files may keep for the whole process goes in `atEnd` (a global, since the files
// run from the compiled copy of the tests, a module graph of their own): the console's
// browser tests share one Chromium (test/console/harness.ts), closed after the last file.
import { relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const listed = process.argv.splice(2)
// tap names its fixture folders after the command line: taken off before tap loads
const { default: t } = await import('tap')
const fileTimeoutS = Number(process.env.TAP_FILE_TIMEOUT ?? 180)
const rootTimeoutS = Number(process.env.TAP_TIMEOUT ?? 30)
const asking = listed.length === 0 && typeof process.send === 'function'

// the runner's answers
let answer = () => {}
if (asking) process.on('message', (m) => answer(m))

/** The next file with its timeout and the root's (seconds), or undefined after the last. */
function nextFile() {
  if (!asking) {
    const file = listed.shift()
    return Promise.resolve(file && { file, timeoutS: fileTimeoutS, rootTimeoutS })
  }
  return new Promise((resolve) => {
    answer = (m) => resolve(m.end ? undefined : { file: m.file, timeoutS: m.timeout, rootTimeoutS: m.timeout + 5 })
    // the channel keeps the process alive until the answer comes: held explicitly, since
    // Node counts its message listeners to decide, and code under test changed the count
    // (a batch exited waiting, "unsettled top-level await")
    process.channel.ref()
    process.send({ tagrelayBatch: 'next' })
  })
}

// A file's teardowns on the root test (a PostgreSQL schema of its own: test/helpers/build.ts)
// run when that file's tests are done, as they would at the end of its own process; tap
// would run them at the batch's end, and, once one is added, end its root test the moment
// it has been idle for two timer turns, as it is between two files: the next file would
// find it ended, its tests never run, and the process stuck.
let fileTeardowns = []
t.teardown = (fn) => {
  fileTeardowns.push(fn)
}

const closers = []
globalThis[Symbol.for('tagrelay.test-batch')] = { atEnd: (close) => closers.push(close) }

const idle = () => (t.idle ? Promise.resolve() : new Promise((done) => t.once('idle', done)))

for (let next = await nextFile(); next; next = await nextFile()) {
  const { file, timeoutS, rootTimeoutS } = next
  t.testdirName = resolve('.tap/fixtures', relative(process.cwd(), file).replace(/[^a-zA-Z0-9._-]+/g, '-'))
  t.comment(`tagrelay-file ${file}`)
  // a file's own t.setTimeout() on the root test is meant for that file alone
  t.setTimeout(rootTimeoutS * 1000)
  const before = { ...t.counts.toJSON() }
  const started = performance.now()
  let timer
  const expired = new Promise((done) => {
    timer = setTimeout(done, timeoutS * 1000, 'timeout')
  })
  const done = import(pathToFileURL(resolve(file)).href).then(idle, (err) => {
    // a file that throws while loading fails, as its own process would; in a test of its
    // own, since t.threw() on the root would end it, and every file after this one with it
    t.test(`${file} loads`, async (t) => {
      t.fail(`it threw: ${err instanceof Error ? err.message : String(err)}`, {
        stack: err instanceof Error ? err.stack : undefined,
      })
    })
    return idle()
  })
  const outcome = await Promise.race([done, expired])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    t.timeout({
      expired: `${file} did not finish within ${timeoutS} s (TAP_FILE_TIMEOUT)`,
      signal: null,
      handles: process.getActiveResourcesInfo().filter((type) => type !== 'TTYWrap'),
    })
    process.exit(1)
  }
  for (const fn of fileTeardowns.splice(0).reverse()) {
    try {
      await fn()
    } catch (err) {
      t.fail(`${file}: a teardown threw: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  await idle()
  const after = t.counts.toJSON()
  const counts = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))
  t.comment(`tagrelay-file-end ${file} ${Math.round(performance.now() - started)} ${JSON.stringify(counts)}`)
}
for (const close of closers.splice(0)) {
  try {
    await close()
  } catch (err) {
    t.fail(`closing what the batch's files kept: ${err instanceof Error ? err.message : String(err)}`)
  }
}
// the channel would keep the process alive, and tap ends its root when nothing else does
if (asking) process.disconnect()
