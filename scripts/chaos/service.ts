import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Starts `tagrelay <args>` as a child; tests pass test/helpers/cli.ts's spawnCli. */
export type SpawnTagrelay = (args: string[]) => ChildProcess

/**
 * The default: the sources through tsx, with an environment that cannot change the
 * outcome (no TAGRELAY_* overrides, no inherited NODE_OPTIONS or coverage hooks).
 */
export const spawnTagrelay: SpawnTagrelay = (args) => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TAGRELAY_|NODE_OPTIONS$|NODE_V8_COVERAGE$|_TAPJS_)/.test(k)),
  )
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

const TAIL_LINES = 40

/**
 * One `tagrelay serve` process: started, waited for until it listens, then killed
 * (SIGKILL: no shutdown code runs) or stopped (SIGTERM: graceful). Its output is read
 * continuously (a full pipe would stall the child) and only the last lines are kept, for
 * the error message when it fails to start.
 */
export class ServiceProcess {
  readonly #child: ChildProcess
  readonly #tail: string[] = []
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  #url: string | null = null
  #listening: ((url: string) => void) | null = null

  constructor(spawnService: SpawnTagrelay, configFile: string) {
    this.#child = spawnService(['serve', '--config', configFile])
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code, signal) => resolve({ code, signal })))
    let partial = ''
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) this.#line(line)
    })
    this.#child.stderr?.on('data', (chunk: Buffer) => this.#keep(chunk.toString().trimEnd()))
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  #line(line: string): void {
    this.#keep(line)
    // CHAOS_SERVICE_LOG=<file> keeps every process's full log, to read a failed run's story
    if (process.env.CHAOS_SERVICE_LOG) appendFileSync(process.env.CHAOS_SERVICE_LOG, `${line}\n`)
    if (this.#url !== null || !line.includes('"tagrelay listening"')) return
    this.#url = (JSON.parse(line) as { url: string }).url
    this.#listening?.(this.#url)
  }

  #keep(text: string): void {
    if (text === '') return
    this.#tail.push(text)
    if (this.#tail.length > TAIL_LINES) this.#tail.shift()
  }

  /** Resolves to the URL once the service listens; rejects if it exits or takes longer than `timeoutMs`. */
  listening(timeoutMs = 120_000): Promise<string> {
    if (this.#url !== null) return Promise.resolve(this.#url)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not listen within ${timeoutMs} ms`), timeoutMs)
      const fail = (why: string): void => {
        clearTimeout(timer)
        this.#listening = null
        reject(new Error(`tagrelay serve (pid ${this.pid}) ${why}; its last output:\n${this.#tail.join('\n')}`))
      }
      this.#listening = (url) => {
        clearTimeout(timer)
        this.#listening = null
        resolve(url)
      }
      void this.#exited.then(({ code, signal }) => {
        if (this.#listening !== null) fail(`exited (code ${code}, signal ${signal}) before listening`)
      })
    })
  }

  /** SIGKILL and wait for the exit; resolves to the signal that ended the process. */
  async kill(): Promise<NodeJS.Signals | null> {
    this.#child.kill('SIGKILL')
    return (await this.#exited).signal
  }

  /** SIGTERM (graceful stop) and wait; SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.#exited
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs)
    const exit = await this.#exited
    clearTimeout(timer)
    return exit
  }
}
