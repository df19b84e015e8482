// Runs in a child process: opens its own connection, waits for the shared start time,
// accepts one event with the given dedupe key and prints the result.
import { openStore } from '../../../src/store/index.js'

const [url, key, id, startAt] = process.argv.slice(2) as [string, string, string, string]
const store = await openStore({ url })
while (Date.now() < Number(startAt)) {
  // spin: a timer would add up to a few ms of jitter between processes
}
const result = await store.accept(
  { id, source: 'race', receivedAt: Date.now(), headers: {}, body: { id }, tags: ['t'], explain: null },
  [{ location: 'main', contact: { email: 'a@example.com' }, add: ['t'], remove: [], rules: ['r'] }],
  { dedupe: { key, expiresAt: Date.now() + 60_000 } },
)
await store.close()
process.stdout.write(JSON.stringify(result))
