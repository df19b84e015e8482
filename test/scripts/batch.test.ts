import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { checkoutRoot, childEnv } from '../helpers/cli.js'
// @ts-expect-error a plain .mjs script without types
import { parseBatch } from '../../scripts/run-tests/summary.mjs'

/**
 * scripts/run-tests/batch.mjs as the runner starts it: a real process running fixture test
 * files one after the other. What a user of the suite relies on: a file that throws while
 * loading fails alone and the next still runs; a file's top-level `t.setTimeout()` does not
 * carry over to the next file; a file that never ends fails the batch at TAP_FILE_TIMEOUT.
 */
function runBatch(files: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(checkoutRoot, 'scripts/run-tests/batch.mjs'), ...files], {
      cwd: checkoutRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => chunks.push(c))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }))
  })
}

const passes = (name: string) => `import t from 'tap'
t.test('${name}', async (t) => {
  t.ok(true, '${name} one')
  t.ok(true, '${name} two')
})
`
// an interval keeps the process alive and the test never resolves: only a timeout ends it
const hangs = `import t from 'tap'
t.test('waits for ever', () => new Promise(() => setInterval(() => {}, 1000)))
`

t.test('a file that throws while loading fails alone; the files after it still run', async (t) => {
  const dir = t.testdir({
    'a.test.mjs': passes('a'),
    'b.test.mjs': `throw new Error('b is broken')\n`,
    'c.test.mjs': passes('c'),
  })
  const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.test.mjs`))
  const { code, output } = await runBatch(files, { TAP_TIMEOUT: '60', TAP_FILE_TIMEOUT: '60' })
  t.not(code, 0, 'the batch exits non-zero')
  const parts = parseBatch(output)
  t.match(parts.get(files[0]).counts, { total: 2, pass: 2, fail: 0 }, 'a: its two assertions')
  t.match(parts.get(files[1]).counts, { fail: 1 }, 'b: one failure, its load error')
  t.match(parts.get(files[1]).section, /b is broken/, "b's part of the output names the error")
  t.match(parts.get(files[2]).counts, { total: 2, pass: 2, fail: 0 }, 'c ran after b')
})

t.test("a file's top-level t.setTimeout() holds for that file, not the next", async (t) => {
  const dir = t.testdir({
    'long.test.mjs': `import t from 'tap'\nt.setTimeout(600_000)\n${passes('long').split('\n').slice(1).join('\n')}`,
    // passes after 3 s, unless the 1 s root timeout is back by then
    'slow.test.mjs': `import t from 'tap'\nt.test('takes 3 s', () => new Promise((done) => setTimeout(done, 3000)))\n`,
  })
  const files = [join(dir, 'long.test.mjs'), join(dir, 'slow.test.mjs')]
  // the batch's own root timeout (1 s) must be back when the second file runs: with the
  // first file's 600 s the second would pass
  const { code, output } = await runBatch(files, { TAP_TIMEOUT: '1', TAP_FILE_TIMEOUT: '120' })
  t.not(code, 0)
  const parts = parseBatch(output)
  t.match(parts.get(files[0]).counts, { total: 2, pass: 2, fail: 0 }, 'the first file passed')
  t.match(parts.get(files[1]).section, /not ok 1 - timeout!/, "tap's root timeout failed the slow file")
  t.notMatch(output, /TAP_FILE_TIMEOUT/, 'not the per-file timeout')
})

t.test('a file that never ends fails the batch at TAP_FILE_TIMEOUT, naming it and what keeps it alive', async (t) => {
  const dir = t.testdir({
    'first.test.mjs': passes('first'),
    'hangs.test.mjs': hangs,
    'never.test.mjs': passes('never'),
  })
  const files = ['first', 'hangs', 'never'].map((n) => join(dir, `${n}.test.mjs`))
  const { code, output } = await runBatch(files, { TAP_TIMEOUT: '600', TAP_FILE_TIMEOUT: '1' })
  t.equal(code, 1, 'the batch exits 1')
  const parts = parseBatch(output)
  const hung = parts.get(files[1]).section.replace(/\s+/g, ' ') // tap folds long YAML lines
  t.match(hung, `${files[1]} did not finish within 1 s (TAP_FILE_TIMEOUT)`)
  t.match(hung, /handles:( - \w+)* - Timeout/, 'the handles keeping it alive: the interval')
  t.match(parts.get(files[0]).counts, { pass: 2, fail: 0 })
  t.equal(parts.has(files[2]), false, 'the batch stopped there: the runner reports the rest as not run')
})

/** The batch as the runner starts it: no file named, each asked for over IPC. */
function runAsking(
  files: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; asks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(checkoutRoot, 'scripts/run-tests/batch.mjs')], {
      cwd: checkoutRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    const chunks: Buffer[] = []
    child.stdout!.on('data', (c: Buffer) => chunks.push(c))
    child.stderr!.on('data', (c: Buffer) => chunks.push(c))
    let asks = 0
    const waiting = [...files]
    child.on('message', (m: { tagrelayBatch?: string }) => {
      if (m.tagrelayBatch !== 'next') return // tap's own messages (its timeouts)
      asks++
      const file = waiting.shift()
      child.send(file ? { file, timeout: 60 } : { end: true })
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8'), asks }))
  })
}

t.test("asked over IPC: one file at a time; a file's root teardown runs before the next starts", async (t) => {
  const dir = t.testdir({
    'a.test.mjs': `import t from 'tap'
import { writeFileSync } from 'node:fs'
t.teardown(() => writeFileSync(process.env.MARK, 'a'))
t.test('a', async (t) => t.ok(true, 'a ran'))
`,
    // code under test may leave the IPC channel unreferenced: the batch still waits for its answer
    'b.test.mjs': `import t from 'tap'
import { existsSync } from 'node:fs'
t.test('b', async (t) => {
  t.ok(existsSync(process.env.MARK), "a's teardown ran when a was done")
  process.channel?.unref()
})
`,
    'c.test.mjs': passes('c'),
  })
  const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.test.mjs`))
  const { code, output, asks } = await runAsking(files, { MARK: join(dir, 'mark') })
  t.equal(code, 0, 'the batch exits 0')
  t.equal(asks, 4, 'it asked once per file, and once more to hear there is none left')
  const parts = parseBatch(output)
  t.match(parts.get(files[0]).counts, { total: 1, pass: 1, fail: 0 })
  t.match(parts.get(files[1]).counts, { total: 1, pass: 1, fail: 0 }, 'b passed: the teardown had run')
  t.match(parts.get(files[2]).counts, { total: 2, pass: 2, fail: 0 }, 'c ran after b left the channel unreferenced')
})
