import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cliCommand } from './cli-build.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
/**
 * The checkout itself. It differs from repoRoot when the suite runs compiled
 * (scripts/run-tests/build.mjs): repoRoot is then the compiled copy, whose package.json and
 * node_modules are links into the checkout; a test that copies or installs uses this.
 */
export const checkoutRoot = dirname(realpathSync(join(repoRoot, 'package.json')))

/**
 * The environment for a `tagrelay` child process: without TAGRELAY_* (and, unless kept,
 * *_TOKEN) variables, so the caller's shell cannot change the outcome, and without
 * coverage: the child runs a second, differently transpiled copy of src/ (cli-build.ts),
 * which would be merged into tap's report and wreck it.
 */
export function childEnv(extra: Record<string, string> = {}, dropTokens = true): NodeJS.ProcessEnv {
  const drop = dropTokens
    ? /^(TAGRELAY_|NODE_OPTIONS$|NODE_V8_COVERAGE$|_TAPJS_)|_TOKEN/
    : /^(TAGRELAY_|NODE_OPTIONS$|NODE_V8_COVERAGE$|_TAPJS_)/
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !drop.test(k)))
  return { ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0', ...extra }
}

/** Runs `tagrelay <args>` (the sources, compiled once: cli-build.ts) and waits for it. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...cliCommand(), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: childEnv(env),
    timeout: 30_000,
  })
}

/** Starts `tagrelay <args>` (the sources, compiled once) as a long-running child. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: repoRoot,
    env: childEnv(env, false),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}
