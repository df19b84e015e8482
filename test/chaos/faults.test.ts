import t from 'tap'
import { runFaults } from '../../scripts/chaos/faults.js'
import { newSeed } from '../../scripts/chaos/random.js'
import { spawnForTests } from './helpers.js'

/** The short faults run (the full one is `npm run chaos -- faults`): 5 s of events, a 1.5 s outage. */
t.test('5xx, 429s, timeouts, resets and an outage: all delivered, within policy and budget', async (t) => {
  const seed = newSeed()
  t.comment(`seed ${seed}`)
  const result = await runFaults({
    store: 'sqlite',
    seed,
    driveMs: 5000,
    outageStartMs: 1000,
    outageMs: 1500,
    spawn: spawnForTests,
    log: (line) => t.comment(line),
  })
  t.comment(JSON.stringify(result))
  t.ok(result.acknowledged > 0, `${result.acknowledged} events acknowledged`)
  t.equal(result.unacknowledged, 0, 'the service itself never refused an event')
  t.ok((result.injected.outage ?? 0) > 0, `the outage answered ${result.injected.outage} calls with 503`)
  t.ok(
    Object.values(result.injected).reduce((a, b) => a + b, 0) > (result.injected.outage ?? 0),
    `random faults too: ${JSON.stringify(result.injected)}`,
  )
  t.ok(result.retriedJobs > 0, `${result.retriedJobs} jobs needed more than one attempt`)
  t.equal(result.lost, 0, `nothing acknowledged is missing (lost: ${result.lostTags.join(', ')})`)
  t.equal(result.dead, 0, 'transient faults never dead-letter a job')
  t.equal(
    result.overMaxAttempts,
    0,
    `no job beyond ${result.retryMaxAttempts} attempts (most: ${result.maxAttemptsSeen})`,
  )
  t.equal(
    result.rateLimited,
    0,
    "the sandbox's own rate limiter never answered 429: the location stayed within its budget",
  )
  t.equal(result.ok, true)
})
