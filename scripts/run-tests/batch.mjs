// One test process running several test files, one after the other (scripts/run-tests.mjs
// gives it the files that need no process of their own):
//
//   node scripts/run-tests/batch.mjs <file> [file...]
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
// A file that has not finished after TAP_FILE_TIMEOUT seconds fails the batch: its name
// and the handles keeping it alive are printed, and the process exits. A file that sets
// the root test's timeout (`t.setTimeout()` at its top level) sets it for itself: the
// batch's own (TAP_TIMEOUT) is put back before the next file starts.
import { relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const files = process.argv.splice(2)
// tap names its fixture folders after the command line: taken off before tap loads
const { default: t } = await import('tap')
const timeoutS = Number(process.env.TAP_FILE_TIMEOUT ?? 180)
const batchTimeoutMs = Number(process.env.TAP_TIMEOUT ?? 30) * 1000

const idle = () => (t.idle ? Promise.resolve() : new Promise((done) => t.once('idle', done)))

for (const file of files) {
  t.testdirName = resolve('.tap/fixtures', relative(process.cwd(), file).replace(/[^a-zA-Z0-9._-]+/g, '-'))
  t.comment(`tagrelay-file ${file}`)
  // a file's own t.setTimeout() on the root test is meant for that file alone
  t.setTimeout(batchTimeoutMs)
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
  const after = t.counts.toJSON()
  const counts = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))
  t.comment(`tagrelay-file-end ${file} ${Math.round(performance.now() - started)} ${JSON.stringify(counts)}`)
}
