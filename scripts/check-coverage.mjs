#!/usr/bin/env node
// tap 21 only knows "100% or allow incomplete"; this enforces the project's floor instead.
// It reads the json-summary report that `tap` writes (coverage-report in package.json).
import { readFileSync } from 'node:fs'

const THRESHOLDS = { lines: 90, statements: 90, functions: 90, branches: 85 }
const file = '.tap/report/coverage-summary.json'

let total
try {
  total = JSON.parse(readFileSync(file, 'utf8')).total
} catch (err) {
  console.error(`check-coverage: cannot read ${file} (${err.code ?? err.message}); run tap first`)
  process.exit(1)
}
const low = Object.entries(THRESHOLDS).filter(([k, min]) => total[k].pct < min)
for (const [k, min] of Object.entries(THRESHOLDS)) {
  console.log(`coverage ${k.padEnd(10)} ${String(total[k].pct).padStart(6)}%  (floor ${min}%)`)
}
if (low.length > 0) {
  console.error(`check-coverage: below the floor: ${low.map(([k]) => k).join(', ')}`)
  process.exit(1)
}
