import t from 'tap'
import { runCrash } from '../../scripts/chaos/crash.js'
import { newSeed } from '../../scripts/chaos/random.js'
import { postgresForTests } from '../store/helpers/postgres.js'
import { spawnForTests } from './helpers.js'

const url = await postgresForTests(t)

/** The short crash run on PostgreSQL: the run makes its own schema and drops it. */
if (url) {
  t.test('three SIGKILLs under load: every acknowledged event is delivered (PostgreSQL)', async (t) => {
    const seed = newSeed()
    t.comment(`seed ${seed}`)
    const result = await runCrash({
      kills: 3,
      store: 'postgres',
      databaseUrl: url,
      seed,
      upMs: [300, 1500],
      spawn: spawnForTests,
      log: (line) => t.comment(line),
    })
    t.comment(JSON.stringify(result))
    t.equal(result.killedBySignal, 3, 'three processes died by SIGKILL')
    t.ok(result.acknowledged > 0, `${result.acknowledged} events acknowledged`)
    t.equal(result.lost, 0, `nothing acknowledged is missing (lost: ${result.lostTags.join(', ')})`)
    t.equal(result.lastWordWrong, 0, `every contact at its last word (${result.lastWordWrongContacts.join(', ')})`)
    t.equal(result.delivered, result.acknowledged)
    t.equal(result.dead, 0, 'no dead letters')
  })
}
