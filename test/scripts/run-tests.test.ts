import t from 'tap'
// @ts-expect-error a plain .mjs script without types
import { laneRules, Queue } from '../../scripts/run-tests/queue.mjs'
// @ts-expect-error a plain .mjs script without types
import { parseBatch } from '../../scripts/run-tests/summary.mjs'

interface Item {
  name: string
  batchable?: boolean
  realTime?: boolean
}
const item = (name: string, more: Omit<Item, 'name'> = {}): Item => ({ name, ...more })
const names = (items: Array<Item | undefined>) => items.map((i) => i?.name)

t.test(
  'a lane takes the first waiting item it may run; a batch goes on only while the next is a shared file',
  async (t) => {
    const queue = new Queue([
      item('npm run typecheck'),
      item('docs', { batchable: true, realTime: true }),
      item('store', { batchable: true }),
      item('telemetry (a process of its own)'),
      item('rules', { batchable: true }),
    ])
    const any = () => true
    t.equal(queue.take(any).name, 'npm run typecheck', 'in the order given: the checks first')
    t.equal(queue.take(any).name, 'docs')
    t.equal(queue.takeForBatch(any).name, 'store', "a batch's next file")
    t.equal(queue.takeForBatch(any), undefined, 'not a file of its own: the batch ends, and it starts in its turn')
    t.ok(
      queue.has((i: Item) => i.name === 'telemetry (a process of its own)'),
      'the item is still waiting',
    )
    t.equal(queue.take(any).name, 'telemetry (a process of its own)')
    t.equal(queue.takeForBatch(any).name, 'rules')
    t.equal(queue.take(any), undefined, 'nothing left')
  },
)

t.test('the extra lane takes real-time files while any wait, then anything', async (t) => {
  const queue = new Queue([
    item('unit-1', { batchable: true }),
    item('browser', { batchable: true, realTime: true }),
    item('unit-2', { batchable: true }),
    item('chaos', { batchable: true, realTime: true }),
  ])
  const lanes = laneRules(queue, 2)
  t.equal(lanes.length, 3, 'two lanes for anything, one more')
  const [general, , extra] = lanes
  t.same(names([queue.take(extra), queue.takeForBatch(extra)]), ['browser', 'chaos'])
  t.same(names([queue.take(general)]), ['unit-1'], 'a general lane: the first, whatever it is')
  t.same(names([queue.takeForBatch(extra)]), ['unit-2'], 'no real-time file left: the extra lane takes the rest')
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
