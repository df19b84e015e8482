import t from 'tap'
import { Driver } from '../../scripts/chaos/driver.js'
import { startRig } from '../../scripts/chaos/rig.js'
import { ServiceProcess } from '../../scripts/chaos/service.js'
import { spawnForTests } from './helpers.js'

/**
 * Restart without waiting (issue 24): a SQLite process SIGKILLed while its call to
 * HighLevel is in flight leaves the job leased for `leaseMs` (30 s, the default). The
 * restarted process takes the file's deliveries over at start, so its first HighLevel
 * call comes right after it listens, not when the dead process's lease runs out. The
 * measured delay is printed; the assertion is only that it came before the lease could
 * have ended (a bound that holds on any machine).
 */
t.test(
  'a restarted SQLite process resumes a dead process’s job at once, not after its lease',
  { timeout: 240_000 },
  async (t) => {
    const leaseMs = 30_000
    const rig = await startRig({ store: 'sqlite', delivery: { leaseMs }, highlevelTimeoutMs: 60_000, contacts: 1 })
    t.teardown(() => rig.close())
    // HighLevel takes the first process's call and never answers it
    rig.sandbox.setFaults({ timeoutRate: 1 })
    let service = new ServiceProcess(spawnForTests, rig.configFile)
    t.teardown(() => service.kill())
    await service.listening()
    const driver = new Driver({ url: rig.url, contacts: rig.contacts, ratePerSec: 5 })
    driver.start()
    while (rig.sandbox.calls.total === 0) await new Promise((r) => setImmediate(r))
    await driver.stop()
    t.ok(driver.acknowledged.size > 0, 'an event was acknowledged and its call is in flight')
    await service.kill()
    rig.sandbox.setFaults({})
    const before = rig.sandbox.calls.total
    service = new ServiceProcess(spawnForTests, rig.configFile)
    await service.listening()
    const listenedAt = Date.now()
    while (rig.sandbox.calls.total === before) await new Promise((r) => setTimeout(r, 5))
    const delay = Date.now() - listenedAt
    t.comment(`first HighLevel call ${delay} ms after the restarted process listened (lease ${leaseMs} ms)`)
    t.ok(delay < leaseMs, 'the dead process’s lease was taken back, not waited out')
  },
)
