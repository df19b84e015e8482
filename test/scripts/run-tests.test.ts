import t from 'tap'
// @ts-expect-error a plain .mjs script without types
import { intoBatches } from '../../scripts/run-tests/files.mjs'
// @ts-expect-error a plain .mjs script without types
import { parseBatch } from '../../scripts/run-tests/summary.mjs'

t.test('files are dealt into batches of about equal time, each in path order', async (t) => {
  const ms: Record<string, number> = { 'test/a.test.ts': 9000, 'test/b.test.ts': 5000, 'test/c.test.ts': 4000 }
  for (const n of ['d', 'e', 'f', 'g']) ms[`test/${n}.test.ts`] = 1000
  const batches = intoBatches(Object.keys(ms), (f: string) => ms[f]!, 2)
  t.same(
    batches.map((b: { files: string[] }) => b.files),
    [
      ['test/a.test.ts', 'test/d.test.ts', 'test/f.test.ts'],
      ['test/b.test.ts', 'test/c.test.ts', 'test/e.test.ts', 'test/g.test.ts'],
    ],
  )
  t.same(
    batches.map((b: { ms: number }) => b.ms),
    [11000, 11000],
    'the longest file first, each to the batch with the least time so far',
  )
  t.equal(intoBatches(['test/a.test.ts'], () => 1000, 4).length, 1, 'no empty batch')
})

t.test("a batch's output is cut per file; a file the batch died in has no counts", async (t) => {
  const output = [
    'TAP version 14',
    '# tagrelay-file /x/test/a.test.js',
    'ok 1 - a',
    '# tagrelay-file-end /x/test/a.test.js 120 {"total":3,"pass":2,"fail":1}',
    '# tagrelay-file /x/test/b.test.js',
    'ok 2 - b, then the process died',
    '',
  ].join('\n')
  const files = parseBatch(output)
  t.same([...files.keys()], ['/x/test/a.test.js', '/x/test/b.test.js'])
  const a = files.get('/x/test/a.test.js')!
  t.equal(a.ms, 120)
  t.same(a.counts, { todo: 0, skip: 0, fail: 1, total: 3, pass: 2 })
  t.match(a.section, /ok 1 - a/)
  t.notMatch(a.section, /ok 2/, "another file's lines are not in it")
  const b = files.get('/x/test/b.test.js')!
  t.equal(b.counts, null, 'no end mark: no counts')
  t.match(b.section, /the process died/)
})
