import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { codesTable, ERRORS_PAGE, withCodesTable } from '../../scripts/error-codes.js'
import { catalogue, codes, isErrorCode, statusOf, TagrelayError } from '../../src/errors.js'
import { repoRoot } from '../helpers/cli.js'

/**
 * One catalogue of error codes (src/errors.ts): docs/errors.md's table is the catalogue's,
 * and src names a code only as `codes.TAGRELAY_X`, never as a bare string that could
 * drift from it. A `TAGRELAY_` name that is not a code is an environment variable.
 */

/** Variables tagrelay reads, the examples interpolate, or development uses: not error codes. */
const ENVIRONMENT = new Set(
  [
    'CONFIG',
    'ENV_FILE',
    'HOST',
    'PORT',
    'STORE_URL',
    'SECRET_KEY',
    'REQUIRE_SECRET_KEY',
    'LOG_LEVEL',
    'HIGHLEVEL_BASE_URL',
    'ADMIN_TOKEN',
    'VIEWER_TOKEN',
    'METRICS_TOKEN',
    'ALERTS_SECRET',
    'PUBLIC_URL',
    'IMAGE_CACHE',
    'TEST_CLI_FROM_SOURCE',
    'HIGHLEVEL_OPENAPI_DIR',
  ].map((name) => `TAGRELAY_${name}`),
)

/** A whole name: `TAGRELAY_HL_*` in prose names none. */
const NAME = /(?<![A-Za-z0-9_.])TAGRELAY_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])/g

function files(dir: string, ending: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ending))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)).split('\\').join('/'))
}

/**
 * Each name in a file's code (comment lines left out), with its line, and whether the code
 * uses it as a value (the whole of a string, an object key, a SQL LIKE pattern) or only
 * names it in prose (a message, an API description).
 */
function namesIn(file: string): { name: string; at: string; value: boolean }[] {
  const out: { name: string; at: string; value: boolean }[] = []
  readFileSync(join(repoRoot, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^\s*(\/\/|\/\*|\*)/.test(line)) return
      for (const m of line.matchAll(NAME)) {
        const [before, after] = [line[m.index - 1] ?? '', line[m.index + m[0].length] ?? '']
        const value =
          (/['"`]/.test(before) && after === before) ||
          after === '%' ||
          (line.trimStart().startsWith(m[0]) && after === ':')
        out.push({ name: m[0], at: `${file}:${i + 1}`, value })
      }
    })
  return out
}

t.test('docs/errors.md holds the catalogue, every code and only those', async (t) => {
  const page = readFileSync(ERRORS_PAGE, 'utf8')
  const listed = new Set([...page.matchAll(/^\| `(TAGRELAY_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!))
  const defined = Object.keys(catalogue)
  t.same(
    defined.filter((c) => !listed.has(c)),
    [],
    'codes in src/errors.ts but not in docs/errors.md (npx tsx scripts/error-codes.ts)',
  )
  t.same(
    [...listed].filter((c) => !isErrorCode(c)),
    [],
    'codes in docs/errors.md but not in src/errors.ts',
  )
  t.equal(page, withCodesTable(page), 'the table is as the catalogue writes it: run npx tsx scripts/error-codes.ts')
  t.equal(codesTable().split('\n').length, defined.length + 2)
})

t.test('src names a code only through the catalogue', async (t) => {
  const names = files('src', '.ts')
    .filter((f) => f !== 'src/errors.ts')
    .flatMap(namesIn)
    .filter(({ name }) => !ENVIRONMENT.has(name))
  t.same(
    names.filter(({ value }) => value).map(({ name, at }) => `${at} ${name}`),
    [],
    'a code written as a string: name it as codes.TAGRELAY_X (an environment variable: add it to ENVIRONMENT)',
  )
  t.same(
    names.filter(({ name, value }) => !value && !isErrorCode(name)).map(({ name, at }) => `${at} ${name}`),
    [],
    'a message or description names a code the catalogue lacks',
  )
})

t.test("the console's browser modules, which cannot import the catalogue, name only its codes", async (t) => {
  const unknown = files('src/console/assets', '.js')
    .flatMap(namesIn)
    .filter(({ name }) => !isErrorCode(name))
  t.same(
    unknown.map(({ name, at }) => `${at} ${name}`),
    [],
  )
})

t.test('the docs name no code the catalogue lacks', async (t) => {
  const pages = ['README.md', ...files('docs', '.md')]
  const unknown = pages.flatMap((page) =>
    [...readFileSync(join(repoRoot, page), 'utf8').matchAll(NAME)]
      .map(([name]) => name)
      .filter((name) => !isErrorCode(name) && !ENVIRONMENT.has(name))
      .map((name) => `${page} ${name}`),
  )
  t.same(unknown, [])
})

t.test("the webhook answers' table in docs/sources.md gives each code the catalogue's status", async (t) => {
  const rows = [...readFileSync(join(repoRoot, 'docs/sources.md'), 'utf8').matchAll(/^\| (\d{3}) \| ([^|]+) \|/gm)]
  const pairs = rows.flatMap(([, status, cell]) =>
    [...cell!.matchAll(NAME)].map(([code]) => ({ code, status: Number(status) })),
  )
  t.ok(pairs.length > 10, 'the table is found')
  t.same(
    pairs.filter(({ code, status }) => !isErrorCode(code) || catalogue[code].status !== status),
    [],
  )
})

t.test('an error takes its status from the catalogue', async (t) => {
  const err = new TagrelayError(codes.TAGRELAY_RATE_LIMITED, 'slow down')
  t.match(err, { name: 'TagrelayError', code: 'TAGRELAY_RATE_LIMITED', statusCode: 429, message: 'slow down' })
  t.equal(new TagrelayError(codes.TAGRELAY_CONTACT_NOT_FOUND, 'x').statusCode, 500, 'a code never answered: 500')
  t.equal(statusOf(codes.TAGRELAY_HL_TIMEOUT), 504)
  const cause = new Error('below')
  t.equal(new TagrelayError(codes.TAGRELAY_INTERNAL, 'x', { cause }).cause, cause)
  t.ok(Object.entries(codes).every(([code, name]) => code === name))
  t.notOk(isErrorCode('TAGRELAY_PORT'))
})
