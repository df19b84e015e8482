import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { healthUrl } from '../../src/commands/healthcheck.js'
import { cliCommand } from '../helpers/cli-build.js'
import { childEnv, repoRoot } from '../helpers/cli.js'

const LOCATION =
  'highlevel: { locations: { main: { locationId: L1, auth: { type: private-integration, token: "${HL_TOKEN_MAIN}" } } } }'

/** `tagrelay <args>` without blocking this process (the health check calls a server in it). */
async function runCliAsync(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: repoRoot,
    env: childEnv(env),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d))
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  const [status] = (await once(child, 'close')) as [number]
  return { status, stdout, stderr }
}

t.test('healthcheck calls /healthz on the port the config names', async (t) => {
  let calls = 0
  const server = createServer((req, res) => {
    calls++
    res.writeHead(req.url === '/healthz' ? 200 : 404).end('{"status":"ok"}')
  }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const { port } = server.address() as AddressInfo
  const dir = t.testdir({
    'c.yaml': `server: { host: 0.0.0.0, port: ${port} }\n${LOCATION}\n`,
    'other.yaml': `server: { host: 127.0.0.1, port: 1 }\n`,
  })
  const healthy = await runCliAsync(['healthcheck', '-c', join(dir, 'c.yaml')])
  t.equal(healthy.status, 0, healthy.stderr)
  t.match(healthy.stdout, `healthy: http://127.0.0.1:${port}/healthz answered 200`)
  t.equal(calls, 1, 'without HL_TOKEN_MAIN: the check needs only the server section')
  const unhealthy = await runCliAsync(['healthcheck', '-c', join(dir, 'other.yaml')])
  t.equal(unhealthy.status, 1)
  t.match(unhealthy.stderr, /unhealthy: http:\/\/127\.0\.0\.1:1\/healthz did not answer/)
  const overridden = await runCliAsync(['healthcheck', '-c', join(dir, 'other.yaml')], { TAGRELAY_PORT: String(port) })
  t.equal(overridden.status, 0, 'TAGRELAY_PORT moves it, as for serve')
  const bad = await runCliAsync(['healthcheck', '--timeout-ms', 'soon'])
  t.equal(bad.status, 2)
  t.match(bad.stderr, /usage: tagrelay healthcheck/)
})

t.test('healthUrl reaches a wildcard address through the loopback', async (t) => {
  t.equal(healthUrl({ host: '0.0.0.0', port: 8080 }), 'http://127.0.0.1:8080/healthz')
  t.equal(healthUrl({ host: '::', port: 80 }), 'http://[::1]:80/healthz')
  t.equal(healthUrl({ host: '10.0.0.5', port: 1 }), 'http://10.0.0.5:1/healthz')
  t.equal(healthUrl({ host: 'fd00::1', port: 2 }), 'http://[fd00::1]:2/healthz')
})
