import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative } from 'node:path'
import t from 'tap'
import { repoRoot } from '../helpers/cli.js'

/**
 * docs/architecture.md's module map holds: its picture and its table name every folder of
 * src/ (and the picture every file at its root), a module imports only from the lines
 * below its own, and from another module only through that module's index.ts, but for
 * the exceptions the page names.
 */

const page = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8')
const section = page.slice(page.indexOf('## The module map'), page.indexOf('## The life of one event'))
const picture = /```\n([\s\S]*?)```/.exec(section)![1]!

/** Module name (`http`, `errors.ts`) → its line in the picture, from 0 at the top. */
const layer = new Map<string, number>()
picture
  .trim()
  .split('\n')
  .forEach((line, i) => {
    for (const name of line.split(/\s+/).filter(Boolean)) layer.set(name.replace(/\/$/, ''), i)
  })

const top = readdirSync(join(repoRoot, 'src'), { withFileTypes: true })
const folders = top.filter((e) => e.isDirectory()).map((e) => e.name)
const rootFiles = top.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => e.name)

/** Each relative import of each .ts file of src, as repository paths. */
function imports(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = []
  for (const e of readdirSync(join(repoRoot, 'src'), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue
    const from = relative(repoRoot, join(e.parentPath, e.name)).split('\\').join('/')
    for (const [, spec] of readFileSync(join(repoRoot, from), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g))
      out.push({ from, to: posix.normalize(posix.join(dirname(from), spec!)).replace(/\.js$/, '.ts') })
  }
  return out
}

/** `src/http/app.ts` → `http`; `src/errors.ts` → `errors.ts`. */
const moduleOf = (path: string): string => path.split('/')[1]!

/** Imports past another module's index.ts that the page allows. */
function allowed(from: string, to: string): boolean {
  if (moduleOf(to) === 'common') return true // no index: a kit of small files
  if (from === 'src/cli.ts' && /^src\/(commands|demo)\//.test(to)) return true // loaded when the command runs
  if (moduleOf(from) === 'config' && /\/(schema|config-schema)\.ts$/.test(to)) return true // the composed config schema
  return false
}

t.test('the picture and the table name every folder of src, the picture every root file', async (t) => {
  t.same(
    [...folders, ...rootFiles].filter((name) => !layer.has(name)),
    [],
    'missing from the picture',
  )
  t.same(
    [...layer.keys()].filter((name) => !folders.includes(name) && !rootFiles.includes(name)),
    [],
    'in the picture but not in src',
  )
  const rows = new Set([...section.matchAll(/^\| `src\/([\w-]+)\/` \|/gm)].map((m) => m[1]!))
  t.same(
    folders.filter((f) => !rows.has(f)),
    [],
    'folders without a row in the table',
  )
  t.same(
    [...rows].filter((f) => !folders.includes(f)),
    [],
    'rows of folders that do not exist',
  )
})

t.test('a module imports only from the lines below its own', async (t) => {
  const upward = imports()
    .filter(({ from, to }) => moduleOf(from) !== moduleOf(to))
    .filter(({ from, to }) => layer.get(moduleOf(to))! <= layer.get(moduleOf(from))!)
    .map(({ from, to }) => `${from} -> ${to}`)
  t.same(upward, [])
})

t.test("another module is reached through its index.ts, but for the page's exceptions", async (t) => {
  const inside = imports()
    .filter(({ from, to }) => moduleOf(from) !== moduleOf(to) && to.split('/').length > 2)
    .filter(({ to }) => !/^src\/[\w-]+\/index\.ts$/.test(to))
    .filter(({ from, to }) => !allowed(from, to))
    .map(({ from, to }) => `${from} -> ${to}`)
  t.same(inside, [])
})
