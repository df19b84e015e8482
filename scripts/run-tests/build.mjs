// The suite compiled once: src/, test/, bench/ and scripts/ as plain JavaScript in `.tap/test-build/<hash>/`,
// which the runner's test processes run without a TypeScript loader.
//
// Why: under tsx every test process starts tsx's loader thread and asks it about each of
// its few hundred modules; compiled ahead, the same test file takes about half the CPU
// (docs/development.md, "How the suite runs"). esbuild is the compiler tsx itself uses, so
// the code that runs is the same.
//
// The folder mirrors the checkout so that every path a test or the code takes relative to
// its own file resolves as it does from the sources: those folders are copied whole (the
// .ts files too, for tests that read or spawn a source file, and the console's assets,
// fixtures and rule files) with the compiled .js beside them, and every other entry of the
// checkout (node_modules, package.json, docs, examples, scripts, .git) is a link. Source
// maps are inline and name the original files, so coverage is counted on src/*.ts.
//
// The name is a hash of every source file's path, size and time: an edit makes a new
// folder and a stale one never runs. Two runs building at once each write a folder of
// their own and rename it into place; the loser uses the winner's.
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { join, relative } from 'node:path'
import { buildSync } from 'esbuild'

// tsconfig.json's `include`: the folders of TypeScript tests import
const COMPILED = ['src', 'test', 'bench', 'scripts']
const DAY_MS = 86_400_000

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

export function buildTests(root) {
  const sources = COMPILED.flatMap((d) => listFiles(join(root, d)))
  const hash = createHash('sha256').update(process.version)
  for (const file of sources) {
    const s = statSync(file)
    hash.update(`${relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`)
  }
  const builds = join(root, '.tap', 'test-build')
  const dir = join(builds, hash.digest('hex').slice(0, 16))
  if (existsSync(dir)) return dir
  const scratch = `${dir}.${process.pid}.tmp`
  rmSync(scratch, { recursive: true, force: true })
  for (const d of COMPILED) cpSync(join(root, d), join(scratch, d), { recursive: true })
  buildSync({
    entryPoints: sources.filter((f) => f.endsWith('.ts')),
    outdir: scratch,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    logLevel: 'error',
  })
  for (const name of readdirSync(root))
    if (!COMPILED.includes(name) && name !== '.tap') symlinkSync(join(root, name), join(scratch, name))
  mkdirSync(builds, { recursive: true })
  try {
    renameSync(scratch, dir)
  } catch {
    rmSync(scratch, { recursive: true, force: true }) // another run put it there first
  }
  // builds of older sources: kept a day, in case a run that started before the edit uses one
  for (const old of readdirSync(builds))
    if (join(builds, old) !== dir && Date.now() - statSync(join(builds, old)).mtimeMs > DAY_MS)
      rmSync(join(builds, old), { recursive: true, force: true })
  return dir
}
