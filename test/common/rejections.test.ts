import t from 'tap'
import { RejectionCounter } from '../../src/common/rejections.js'

t.test('counts by source and code, ready to export', async (t) => {
  const c = new RejectionCounter()
  c.inc('stripe', 'TAGRELAY_BAD_SIGNATURE')
  c.inc('stripe', 'TAGRELAY_BAD_SIGNATURE')
  c.inc('(unknown)', 'TAGRELAY_UNKNOWN_SOURCE')
  t.equal(c.get('stripe', 'TAGRELAY_BAD_SIGNATURE'), 2)
  t.equal(c.get('stripe', 'TAGRELAY_RATE_LIMITED'), 0)
  t.equal(c.total(), 3)
  t.same(c.entries(), [
    { source: 'stripe', code: 'TAGRELAY_BAD_SIGNATURE', count: 2 },
    { source: '(unknown)', code: 'TAGRELAY_UNKNOWN_SOURCE', count: 1 },
  ])
})
