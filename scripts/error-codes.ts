/**
 * `npx tsx scripts/error-codes.ts`: writes the table of error codes in docs/errors.md from
 * the catalogue in src/errors.ts (between its `error-codes` markers); test/docs/error-codes.test.ts
 * fails while the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { catalogue, type ErrorCode } from '../src/errors.js'

export const ERRORS_PAGE = fileURLToPath(new URL('../docs/errors.md', import.meta.url))
const BEGIN = '<!-- error-codes: begin (npx tsx scripts/error-codes.ts writes this table) -->'
const END = '<!-- error-codes: end -->'

/** The table, one row a code, in the catalogue's order. */
export function codesTable(): string {
  const rows = (Object.entries(catalogue) as [ErrorCode, (typeof catalogue)[ErrorCode]][]).map(
    ([code, { status, meaning }]) => `| \`${code}\` | ${status ?? '(none)'} | ${meaning} |`,
  )
  return ['| code | HTTP status | meaning |', '|---|---|---|', ...rows].join('\n')
}

/** The page with its table as the catalogue has it. */
export function withCodesTable(page: string): string {
  const begin = page.indexOf(BEGIN)
  const end = page.indexOf(END)
  if (begin < 0 || end < begin) throw new Error(`docs/errors.md lacks the markers ${BEGIN} ... ${END}`)
  return `${page.slice(0, begin + BEGIN.length)}\n${codesTable()}\n${page.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ERRORS_PAGE, withCodesTable(readFileSync(ERRORS_PAGE, 'utf8')))
}
