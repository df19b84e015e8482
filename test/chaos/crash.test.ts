import t from 'tap'
import { runCrash } from '../../scripts/chaos/crash.js'
import { newSeed } from '../../scripts/chaos/random.js'
import { spawnForTests } from './helpers.js'

/**
 * The short crash run (the full one is `npm run chaos -- crash --kills 20`): three
 * SIGKILLs of a real `tagrelay serve` on one SQLite file under a stream of signed events.
 */
t.test('three SIGKILLs under load: every acknowledged event is delivered (SQLite)', async (t) => {
  const seed = newSeed()
  t.comment(`seed ${seed} (CHAOS_SEED=${seed} npm run chaos -- crash --kills 3 replays the schedule)`)
  const result = await runCrash({
    kills: 3,
    store: 'sqlite',
    seed,
    upMs: [300, 1500],
    spawn: spawnForTests,
    log: (line) => t.comment(line),
  })
  t.comment(JSON.stringify(result))
  t.equal(result.killedBySignal, 3, 'three processes died by SIGKILL, not by a shutdown of their own')
  t.ok(result.acknowledged > 0, `${result.acknowledged} events acknowledged`)
  t.ok(result.unacknowledged > 0, 'events were sent while the service was down (no 202 for them)')
  t.equal(result.lost, 0, `nothing acknowledged is missing (lost: ${result.lostTags.join(', ')})`)
  t.equal(result.lastWordWrong, 0, `every contact at its last word (${result.lastWordWrongContacts.join(', ')})`)
  t.equal(result.delivered, result.acknowledged)
  t.equal(result.dead, 0, 'no dead letters')
  t.ok(
    result.duplicatesApplied >= 0 && result.duplicatesApplied <= result.acknowledged + result.unacknowledged,
    'duplicates counted from the sandbox',
  )
})
