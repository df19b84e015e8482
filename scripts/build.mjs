// `npm run build`: src/ to dist/, one JavaScript file (and its source map) for each
// TypeScript file, and the console's browser assets (plain JS and CSS) copied beside the
// routes that serve them.
//
// Why esbuild and not `tsc`: it is the compiler the test suite runs the sources through
// (scripts/run-tests/build.mjs, tsx), so what ships is what was tested, one compiler for
// both; and it takes a fraction of a second where `tsc` took 8 s of a demo's 9 (12 s of
// CPU). Types are checked by `npm run typecheck` (tsc over src/, test/, bench/ and
// scripts/), which `npm test` and CI run; tsconfig.json's `isolatedModules` and
// `verbatimModuleSyntax` are what make a file-by-file compile give what tsc gives.
//
// dist/ is emptied first: a source file deleted or renamed leaves no stale module behind
// that an import could still reach.
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const src = join(root, 'src')
const dist = join(root, 'dist')
const assets = join('console', 'assets')

const sources = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
  .map((e) => join(e.parentPath, e.name))

rmSync(dist, { recursive: true, force: true })
try {
  buildSync({
    entryPoints: sources,
    outdir: dist,
    outbase: src,
    format: 'esm',
    platform: 'node',
    // tsconfig.json's target
    target: 'es2023',
    sourcemap: 'linked',
    logLevel: 'error',
  })
} catch {
  // esbuild has printed each error with its file, line and column
  process.exit(1)
}
cpSync(join(src, assets), join(dist, assets), { recursive: true })
