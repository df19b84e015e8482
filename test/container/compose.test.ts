import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/cli.js'

/**
 * What docker-compose.yml and the Dockerfile promise a newcomer, read from the files
 * themselves (CI also has `docker-compose config -q` parse the compose file; no Docker
 * engine runs there). `merge: true` resolves the `<<:` anchors as compose does.
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
