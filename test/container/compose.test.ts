import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/cli.js'

/**
 * What docker-compose.yml and the Dockerfile promise a newcomer, read from the files
 * themselves; `merge: true` resolves the `<<:` anchors as compose does. CI also builds and
 * runs the image and compose's default profile (scripts/image-check.sh, the last step of
 * .ci/run), which these fast checks do not replace.
 */
interface Service {
  build?: unknown
  image?: string
  command?: string[]
  volumes?: string[]
  environment?: string[]
  env_file?: unknown
  depends_on?: Record<string, { condition: string }>
  restart?: string
  healthcheck?: { disable?: boolean }
}
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>
}
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
const tagrelayServices = Object.entries(compose.services).filter(([, s]) => s.image === 'tagrelay:latest')
const servers = tagrelayServices.filter(([, s]) => s.command === undefined)

t.test('every tagrelay service builds the same image (no pull of an image that does not exist)', async (t) => {
  t.same(tagrelayServices.map(([name]) => name).sort(), ['check', 'migrate', 'replica-1', 'replica-2', 'tagrelay'])
  for (const [name, s] of tagrelayServices) t.equal(s.build, '.', `${name} builds from this folder`)
})

t.test('the config folder is mounted, never the file alone (Docker makes a missing file a folder)', async (t) => {
  for (const [name, s] of tagrelayServices) {
    t.ok(s.volumes?.includes('./:/etc/tagrelay:ro'), `${name} mounts ./ read-only at /etc/tagrelay`)
    t.notOk(
      s.volumes?.some((v) => v.includes('tagrelay.yaml')),
      `${name} has no bind mount of tagrelay.yaml itself`,
    )
  }
  t.match(dockerfile, /TAGRELAY_CONFIG=\/etc\/tagrelay\/tagrelay\.yaml/)
})

t.test('an optional .env reaches every service: tagrelay reads it from the mounted folder', async (t) => {
  t.match(dockerfile, /TAGRELAY_ENV_FILE=\/etc\/tagrelay\/\.env/, 'the image points TAGRELAY_ENV_FILE into the mount')
  for (const [name, s] of tagrelayServices) {
    t.equal(s.env_file, undefined, `${name}: no env_file (compose v1 refuses a missing one)`)
    const named = (s.environment ?? []).filter((e) => !e.startsWith('TAGRELAY_'))
    t.same(named, [], `${name} lists no secret by name: a new source's token needs no compose edit`)
  }
})

t.test('a missing or invalid config stops `up` at the check instead of a restart loop', async (t) => {
  t.same(compose.services.check?.command, ['check'])
  t.equal(compose.services.check?.restart, 'no')
  for (const [name, s] of [...servers, ['migrate', compose.services.migrate!] as const]) {
    t.same(s.depends_on?.check, { condition: 'service_completed_successfully' }, `${name} waits for check`)
  }
})

t.test("the one-shot services exit without the image's HEALTHCHECK; the replicas wait for migrate", async (t) => {
  for (const name of ['check', 'migrate']) {
    t.same(compose.services[name]?.healthcheck, { disable: true }, `${name} has no health state ("starting" forever)`)
    t.equal(compose.services[name]?.restart, 'no', `${name} runs once`)
  }
  for (const name of ['tagrelay', 'replica-1', 'replica-2'])
    t.equal(compose.services[name]?.healthcheck, undefined, `${name} keeps the image's HEALTHCHECK`)
  for (const name of ['replica-1', 'replica-2'])
    t.same(compose.services[name]?.depends_on?.migrate, { condition: 'service_completed_successfully' })
  t.equal(compose.services.migrate?.depends_on?.migrate, undefined, 'migrate does not wait for itself')
})

t.test('the image runs as uid 1000 and ships only the compiled addon of better-sqlite3', async (t) => {
  t.match(dockerfile, /^USER node$/m)
  t.match(dockerfile, /ENV npm_config_nodedir=\/usr\/local/, "builds against the base image's headers, offline")
  t.match(dockerfile, /rm -rf deps src/, 'the C sources stay in the build stage')
  t.match(dockerfile, /! -name better_sqlite3\.node/, 'only build/Release/better_sqlite3.node is kept')
})

t.test('the health check reads the config (a port set in the YAML moves it)', async (t) => {
  t.match(dockerfile, /HEALTHCHECK[^\n]*\\\n\s*CMD \["node", "dist\/cli\.js", "healthcheck"\]/)
  t.notMatch(dockerfile, /TAGRELAY_PORT \|\| 8080/)
})

t.test('the docs spell the command `docker compose`, naming the v1 binary once', async (t) => {
  for (const file of ['README.md', 'docs/operations.md', 'docker-compose.yml']) {
    const text = readFileSync(join(repoRoot, file), 'utf8')
    const v1 = text.match(/docker-compose(?!\.yml)/g) ?? []
    t.ok(v1.length <= 1, `${file}: at most one mention of docker-compose (the v1 note), found ${v1.length}`)
    t.notMatch(text, /docker-compose (up|--profile|run|exec)/, `${file}: no v1 command line`)
  }
})
