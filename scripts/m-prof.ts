import { seededRandom } from './chaos/random.js'
import { runScenario } from './chaos/model/run.js'
import { generateScenario } from './chaos/model/scenario.js'
const seed = Number(process.argv[2] ?? 1)
const s = generateScenario(seed, seededRandom(seed))
s.faults = JSON.parse(process.argv[3] ?? '{}')
const t0 = Date.now()
const r = await runScenario(s)
console.log(Date.now() - t0, JSON.stringify(r).slice(0, 300))
