#!/usr/bin/env node
// `npm run test:fast`: tap over every test file except the real-time ones listed in
// test/slow.txt, without coverage (a partial run cannot meet the floor). Extra arguments
// go to tap (`npm run test:fast -- --jobs=1`).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const globs = readFileSync(new URL('../test/slow.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
// --exclude replaces tap's default (folders named dist, fixture, fixtures): keep it
const exclude = `{**/{dist,fixture,fixtures}/**,${globs.join(',')}}`
const built = spawnSync(process.execPath, [new URL('./tap-build.mjs', import.meta.url).pathname], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)
const tap = spawnSync('npx', ['tap', `--exclude=${exclude}`, '--disable-coverage', ...process.argv.slice(2)], {
  stdio: 'inherit',
})
process.exit(tap.status ?? 1)
