// Runs in a child process: opens its own connection, says `ready`, waits for `go` on stdin
// (the parent sends it to every worker at once), accepts one event with the given dedupe
// key and prints the result.
import { once } from 'node:events'
import { openStore } from '../../../src/store/index.js'

const [url, key, id] = process.argv.slice(2) as [string, string, string]
const store = await openStore({ url })
process.stdout.write('ready\n')
process.stdin.resume()
await once(process.stdin, 'data')
const result = await store.intake.accept(
  { id, source: 'race', receivedAt: Date.now(), headers: {}, body: { id }, tags: ['t'], explain: null },
  [{ location: 'main', contact: { email: 'a@example.com' }, add: ['t'], remove: [], rules: ['r'] }],
  { dedupe: { key, expiresAt: Date.now() + 60_000 } },
)
await store.close()
process.stdout.write(JSON.stringify(result))
