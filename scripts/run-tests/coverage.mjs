// Coverage through V8's own collector (NODE_V8_COVERAGE), reported by c8: the same report
// tap writes (c8's Report, test-exclude's defaults, `.tap/report/coverage-summary.json`,
// which scripts/check-coverage.mjs reads), without tap's process-info loader.
//
// Why not tap's loader: it records coverage through the inspector and rides into every
// child process through NODE_OPTIONS, a loader thread in each `tagrelay` the CLI and
// end-to-end tests start; a test file spawning a few children cost twice the CPU under
// it (docs/development.md). NODE_V8_COVERAGE is inherited by children as well, at V8's
// cost only.
//
// Each test process writes a file per process (its children too) naming every script it
// ran, node_modules and Node's internals included: several megabytes each. After a test
// file ends, its files are cut down to the scripts of src/ (tap's measure: test-exclude's
// defaults leave test/ out) that the test processes ran, with their source maps (the
// compiled copy's lead back to src/*.ts), so the report reads kilobytes.
//
// Only one compilation of src/ may be kept: two (the compiled copy and tsx's, or the CLI
// build's) map to the same .ts file with different statements, and merging them counts
// garbage. Children a test starts from another compilation are left out, as tap did.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export function coverageDirs(root) {
  const kept = join(root, '.tap/v8-coverage')
  return { kept, raw: (n) => join(kept, `raw-${n}`) }
}

export function resetCoverage(root) {
  const { kept } = coverageDirs(root)
  rmSync(kept, { recursive: true, force: true })
  mkdirSync(kept, { recursive: true })
}

/**
 * Keeps the coverage of src/ as `tree` holds it (the checkout, or the compiled copy) from
 * the files test file `n` left, then drops the raw ones.
 */
export function keepSrcCoverage(root, n, tree) {
  const { kept, raw } = coverageDirs(root)
  const src = `${pathToFileURL(tree).href}/src/`
  const ext = tree === root ? '.ts' : '.js'
  const ours = (url) => url.startsWith(src) && url.endsWith(ext) && !url.includes('/node_modules/')
  let files = []
  try {
    files = readdirSync(raw(n))
  } catch {
    return
  }
  for (const name of files) {
    let data
    try {
      data = JSON.parse(readFileSync(join(raw(n), name), 'utf8'))
    } catch {
      continue // a process killed while writing leaves a partial file: its coverage is lost, not the run
    }
    const result = data.result.filter((s) => ours(s.url))
    const maps = Object.fromEntries(Object.entries(data['source-map-cache'] ?? {}).filter(([url]) => ours(url)))
    if (result.length > 0)
      writeFileSync(join(kept, `${n}-${name}`), JSON.stringify({ result, 'source-map-cache': maps }))
  }
  rmSync(raw(n), { recursive: true, force: true })
}

export async function reportCoverage(root, reporter) {
  const { Report } = await import('c8')
  // c8 reads the files relative to the working folder, as tap does
  process.chdir(root)
  await new Report({
    reporter,
    reportsDirectory: join(root, '.tap/report'),
    tempDirectory: coverageDirs(root).kept,
    excludeNodeModules: true,
    skipFull: true,
  }).run()
}
