import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const DAY_MS = 86_400_000

/**
 * The `tagrelay` that CLI tests spawn: src/ compiled to plain JavaScript once, instead of
 * `node --import tsx src/cli.ts` for every child. A child started through tsx spends about
 * 1.3 s of CPU registering tsx and looking up its cache for some 300 modules before it runs
 * a line of ours; the compiled copy starts in a third of that, and the CLI tests start
 * dozens of children (docs/development.md, "Time in tests").
 *
 * The copy is named by a hash of every source file's path, size and time, so an edit makes
 * a new one and a stale copy is never run; esbuild compiles the ~300 files in well under
 * a second. It lives at `.tap/cli-build/<hash>/src/`, with links to package.json and
 * examples/ beside it, so that paths the code takes relative to its own file (the console's
 * assets, `../package.json`, the examples) resolve as they do from src/. Test processes
 * running at once may all build it: each writes to a folder of its own and renames it into
 * place, and a loser of that race uses the winner's.
 */
export function cliCommand(): string[] {
  const dir = builtDir()
  return dir ? [join(dir, 'src', 'cli.js')] : ['--import', 'tsx', join(repoRoot, 'src', 'cli.ts')]
}

let built: string | null | undefined

function builtDir(): string | null {
  if (built !== undefined) return built
  if (process.env.TAGRELAY_TEST_CLI_FROM_SOURCE === '1') return (built = null)
  // this file compiled: it runs from the suite's compiled copy (scripts/run-tests/build.mjs), src/ included
  if (import.meta.url.endsWith('.js')) return (built = repoRoot)
  const sources = listSources(join(repoRoot, 'src'))
  const hash = createHash('sha256')
  for (const file of sources) {
    const s = statSync(file)
    hash.update(`${relative(repoRoot, file)}\0${s.size}\0${s.mtimeMs}\n`)
  }
  const root = join(repoRoot, '.tap', 'cli-build')
  const dir = join(root, hash.digest('hex').slice(0, 16))
  if (existsSync(join(dir, 'src', 'cli.js'))) return (built = dir)
  const scratch = `${dir}.${process.pid}.tmp`
  rmSync(scratch, { recursive: true, force: true })
  buildSync({
    entryPoints: sources.filter((f) => f.endsWith('.ts')),
    outdir: join(scratch, 'src'),
    outbase: join(repoRoot, 'src'),
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    logLevel: 'error',
  })
  cpSync(join(repoRoot, 'src', 'console', 'assets'), join(scratch, 'src', 'console', 'assets'), { recursive: true })
  for (const name of ['package.json', 'examples']) symlinkSync(join(repoRoot, name), join(scratch, name))
  mkdirSync(root, { recursive: true })
  try {
    renameSync(scratch, dir)
  } catch {
    rmSync(scratch, { recursive: true, force: true }) // another test process put it there first
  }
  // copies of older sources: kept a day, in case a run that started before the edit still uses one
  for (const old of readdirSync(root, { withFileTypes: true }))
    if (join(root, old.name) !== dir && Date.now() - statSync(join(root, old.name)).mtimeMs > DAY_MS)
      rmSync(join(root, old.name), { recursive: true, force: true })
  return (built = dir)
}

function listSources(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name))
  }
  return out.sort()
}
