// Which test files a run takes, and in which order.
//
// The globs come from package.json's `tap.include` (the one home of "what is a test file",
// shared with `npx tap <file>`), the real-time list in test/slow.txt and the list of files
// that need a process of their own, test/own-process.txt. Only `**` and `*`
// occur in them, so a glob becomes an anchored regular expression with no nested
// quantifiers: matching stays linear in the path.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

export function globToRegExp(glob) {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything below
      source += glob[i + 2] === '/' ? '(?:[^/]*/)*' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') source += '[^/]*'
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** Globs of a list such as test/slow.txt: one a line, `#` starts the reason. */
export function globsOf(root, list) {
  return readFileSync(join(root, list), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
}

function walk(dir, root, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path, root, out)
    } else out.push(relative(root, path).split(sep).join('/'))
  }
  return out
}

/**
 * The test files under `root` matching `include` and none of `exclude`; `only` (paths of
 * files or folders, from the command line) narrows the run.
 */
export function listTestFiles({ root, include, exclude = [], only = [] }) {
  const inc = include.map(globToRegExp)
  const exc = exclude.map(globToRegExp)
  const wanted = only.map((p) => relative(root, join(root, p)).split(sep).join('/'))
  for (const p of wanted) statSync(join(root, p)) // a mistyped path is an error, not an empty run
  return walk(join(root, 'test'), root, [])
    .filter((f) => inc.some((r) => r.test(f)) && !exc.some((r) => r.test(f)))
    .filter((f) => wanted.length === 0 || wanted.some((p) => f === p || f.startsWith(`${p}/`)))
    .sort()
}

/**
 * Longest first, so the two or three files that take half a minute do not start last and
 * leave one core idle at the end. Durations come from the previous run on this checkout;
 * without one (a fresh clone, CI), the real-time list's files go first.
 */
export function longestFirst(files, durations, slow) {
  const guess = expectedMs(durations, slow)
  return [...files].sort((a, b) => guess(b) - guess(a) || a.localeCompare(b))
}

/** A file's time in the previous run; without one, 20 s for a real-time file, 1 s for another. */
export function expectedMs(durations, slow) {
  const slowRe = slow.map(globToRegExp)
  return (file) => durations[file] ?? (slowRe.some((r) => r.test(file)) ? 20_000 : 1_000)
}
