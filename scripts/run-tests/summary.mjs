// The counts a tap test file prints last, at the start of a line:
//   # { total: 63, pass: 61, fail: 1, skip: 1 }
// (tap counts every assertion of the file, subtests included). A file that ends without
// it (crashed, killed, or never reached tap's end) has no counts: the runner fails it.
const LINE = /^# \{ total: \d+[^\n]*\}$/gm
const FIELD = /(\w+): (\d+)/g

export function parseSummary(output) {
  const lines = output.match(LINE)
  if (!lines) return null
  const counts = { total: 0, pass: 0, fail: 0, skip: 0, todo: 0 }
  for (const [, key, value] of lines[lines.length - 1].matchAll(FIELD)) if (key in counts) counts[key] = Number(value)
  return counts
}

// What a batch (scripts/run-tests/batch.mjs) says of each of its files:
//   # tagrelay-file <file>
//   ...the file's TAP...
//   # tagrelay-file-end <file> <ms> {"total":16,"pass":16}
const MARK = /^# tagrelay-file(-end)? (\S+)(?: (\d+) (\{[^\n]*\}))?$/gm

/**
 * Each file of a batch's output: its own part of the output (from its start mark to the
 * next file's), and, when it finished, its time and counts. A file without an end mark
 * (the batch crashed or was killed in it) has its part up to the end of the output; a file
 * that never started is missing.
 */
export function parseBatch(output) {
  const files = new Map()
  let current = null
  for (const m of output.matchAll(MARK)) {
    const [, end, file, ms, counts] = m
    if (!end) {
      if (current) current.section = output.slice(current.from, m.index)
      current = { file, from: m.index, section: '', ms: null, counts: null }
      files.set(file, current)
    } else if (files.has(file)) {
      Object.assign(files.get(file), { ms: Number(ms), counts: { todo: 0, skip: 0, fail: 0, ...JSON.parse(counts) } })
    }
  }
  if (current) current.section = output.slice(current.from)
  return files
}
