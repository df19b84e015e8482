import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { request } from 'undici'
import { loadConfigFile } from '../config/index.js'
import { startSandbox } from '../sandbox/index.js'
import { codes, TagrelayError } from '../errors.js'
import { createLogger } from '../log.js'
import { startService } from '../service.js'
import { customPageLines, DEMO_APP_CLIENT, demoCustomPage, installDemoAgency, withCustomPage } from './custom-page.js'
import { DEMO_CONTACTS, DEMO_EVENTS, DEMO_LOCATION_ID, EXAMPLES_DIR, readExample } from './samples.js'

const secret = (): string => randomBytes(12).toString('hex')

/**
 * `tagrelay demo`: the real service, on a fresh SQLite file, against the local sandbox.
 * Posts the sample events, waits for delivery, prints what each contact now carries in
 * the sandbox, and exits non-zero if any tag did not arrive. Its temporary folder (the
 * store, the log) is removed on the way out, unless the demo failed.
 */
export async function runDemo({ keep }: { keep: boolean }): Promise<void> {
  if (!existsSync(join(EXAMPLES_DIR, 'demo.yaml')))
    throw new TagrelayError(
      codes.TAGRELAY_USAGE,
      `the demo runs from a checkout: it needs examples/ (not found at ${EXAMPLES_DIR}; the container image leaves it out). In a clone: npm install && npm run demo`,
    )
  const dir = mkdtempSync(join(tmpdir(), 'tagrelay-demo-'))
  const hlToken = `pit-${secret()}`
  // with --keep, the console opens inside the sandbox's HighLevel window too (single sign-on)
  const sso = keep ? demoCustomPage() : null
  const sandbox = await startSandbox({
    tokens: { [hlToken]: DEMO_LOCATION_ID },
    ...(sso ? { oauthClients: { [DEMO_APP_CLIENT]: sso.clientSecret }, sharedSecret: sso.sharedSecret } : {}),
  })
  for (const c of DEMO_CONTACTS) sandbox.seedContact({ locationId: DEMO_LOCATION_ID, ...c })

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HL_TOKEN_MAIN: hlToken,
    HL_LOCATION_ID: DEMO_LOCATION_ID,
    TAGRELAY_HIGHLEVEL_BASE_URL: sandbox.url,
    TAGRELAY_STORE_URL: `sqlite:${join(dir, 'demo.db')}`,
    TAGRELAY_PORT: keep ? (process.env.TAGRELAY_PORT ?? '8080') : '0',
    TAGRELAY_HOST: '127.0.0.1',
    TAGRELAY_ADMIN_TOKEN: `adm-${secret()}`,
    TAGRELAY_VIEWER_TOKEN: `view-${secret()}`,
  }
  for (const e of DEMO_EVENTS) env[e.tokenVar] = secret()
  const loaded = loadConfigFile(join(EXAMPLES_DIR, 'demo.yaml'), { env })
  const config = sso ? withCustomPage(loaded, sandbox, sso, env.TAGRELAY_PORT as string) : loaded
  const logFile = join(dir, 'tagrelay.log')
  const logStream = createWriteStream(logFile)
  const logger = createLogger({ level: 'info', stream: logStream })
  const service = await startService({ config, logger })

  console.log('tagrelay demo')
  console.log(`  HighLevel sandbox  ${sandbox.url}`)
  console.log(`  tagrelay           ${service.url}`)
  console.log(`  store              ${config.store.url}`)
  console.log(`  logs               ${logFile}\n`)

  let failed = false
  console.log('events posted:')
  for (const e of DEMO_EVENTS) {
    const res = await request(`${service.url}/hooks/${e.source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tagrelay-token': env[e.tokenVar] as string },
      body: readExample(e.file),
    })
    const answer = (await res.body.json()) as { tags?: string[]; message?: string }
    if (res.statusCode !== 202) failed = true
    console.log(
      `  ${e.source.padEnd(9)} examples/${e.file.padEnd(28)} ${res.statusCode}  ${answer.tags ? `tags: ${answer.tags.join(', ')}` : answer.message}`,
    )
  }

  const started = Date.now()
  while ((await service.store.housekeeping.countJobs('pending')) > 0 && Date.now() - started < 15_000) {
    await new Promise((r) => setTimeout(r, 50))
  }
  const done = await service.store.housekeeping.countJobs('done')
  const total =
    done +
    (await service.store.housekeeping.countJobs('pending')) +
    (await service.store.housekeeping.countJobs('dead'))
  if (done !== total) failed = true
  console.log(`\ndelivered ${done} of ${total} jobs in ${Date.now() - started} ms\n`)

  console.log(`${'contact'.padEnd(26)}tags in the HighLevel sandbox`)
  for (const c of sandbox.listContacts(DEMO_LOCATION_ID)) {
    if (c.tags.length === 0) failed = true
    console.log(`${(c.email ?? c.id).padEnd(26)}${c.tags.join(', ') || '(none)'}`)
  }

  if (keep) {
    const [first] = DEMO_EVENTS
    const lookup = `${sandbox.url}/contacts/search/duplicate?locationId=${DEMO_LOCATION_ID}&email=ada%40example.com`
    console.log(`\nthe console: ${service.url}/console
  sign in with the admin token   ${env.TAGRELAY_ADMIN_TOKEN}
  or, read-only, the viewer token ${env.TAGRELAY_VIEWER_TOKEN}`)
    console.log(customPageLines(sandbox, service.url, await installDemoAgency(service.url, sandbox)))
    console.log(`\nrunning until Ctrl-C. Post an event:
  curl -i -X POST '${service.url}/hooks/${first!.source}' \\
    -H 'content-type: application/json' -H 'x-tagrelay-token: ${env[first!.tokenVar]}' \\
    --data @examples/${first!.file}
see the contact's tags in the sandbox:
  curl -s '${lookup}' -H 'Authorization: Bearer ${hlToken}' -H 'Version: 2021-07-28'
follow the service's log:
  tail -f ${logFile}`)
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  }
  await service.close()
  await sandbox.close()
  await new Promise((resolve) => logStream.end(resolve))
  if (failed) {
    // the store and the log stay for a look at what went wrong
    console.error(`\ndemo FAILED: not every event was accepted and delivered; see ${logFile}`)
    process.exitCode = 1
  } else {
    rmSync(dir, { recursive: true, force: true })
  }
}
