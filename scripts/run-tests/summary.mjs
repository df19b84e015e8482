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
