import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { repoRoot, runCli } from '../helpers/cli.js'

/** What varies between runs: ports, the temporary folder, the delivery time. */
const normalise = (text: string): string =>
  text
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT')
    .replace(/\/[^\s]*tagrelay-demo-[^/\s]+/g, 'TMP')
    .replace(/in \d+ ms/g, 'in N ms')
    .trim()

t.test("the README's demo sample is what `tagrelay demo` prints", async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  const sample = /```\n(tagrelay demo\n[^`]*)```/.exec(readme)?.[1]
  t.ok(sample, 'the README has the sample')
  const r = runCli(['demo'])
  t.equal(r.status, 0, r.stderr)
  t.equal(normalise(r.stdout), normalise(sample ?? ''))
  const folder = /store +sqlite:(\S*tagrelay-demo-[^/\s]+)\//.exec(r.stdout)?.[1]
  t.ok(folder, 'the demo names its temporary folder')
  t.notOk(existsSync(folder ?? '/'), 'and removes it on the way out')
})
