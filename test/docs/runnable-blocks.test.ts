import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import t from 'tap'
import { checkoutRoot, childEnv, repoRoot } from '../helpers/cli.js'

/**
 * The docs' runnable shell blocks, run as a reader would paste them: every ```sh runnable
 * block of a page, in order, in one bash (`set -euo pipefail`, so state carries from block
 * to block and any failing command fails the page), in a fresh copy of the checkout's
 * tracked files. Its node_modules is a hard-linked copy of this one (npm replaces files
 * rather than writing into them), and npm runs offline with a cache of its own. The fixed ports a page shows
 * (4010 for the sandbox, 8080 for tagrelay) are swapped for free ones, so the run cannot
 * collide with anything else on the machine. Background processes a page starts are
 * killed with the page's process group.
 */
const PAGES = ['README.md', 'docs/getting-started.md']
const PORTS = ['4010', '8080']

export function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A fresh folder holding the checkout's tracked files and a hard-linked node_modules. */
function freshCheckout(root: string): string {
  const dir = join(root, 'tagrelay')
  mkdirSync(dir)
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: checkoutRoot, encoding: 'utf8' })
  if (listed.status === 0) {
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true })
      cpSync(join(checkoutRoot, file), join(dir, file))
    }
  } else {
    const skip = /^(node_modules|dist|coverage|\.tap|\.git|data)$/
    cpSync(checkoutRoot, dir, {
      recursive: true,
      filter: (src) => !skip.test(src.slice(checkoutRoot.length).split('/')[0]!),
    })
  }
  const linked = spawnSync('cp', ['-al', join(checkoutRoot, 'node_modules'), dir])
  if (linked.status !== 0) cpSync(join(checkoutRoot, 'node_modules'), join(dir, 'node_modules'), { recursive: true })
  // npm rewrites its record of the tree; the copy gets its own instead of the shared one
  rmSync(join(dir, 'node_modules', '.package-lock.json'), { force: true })
  return dir
}

// each page installs (offline), builds and runs the service: minutes on a loaded machine
t.setTimeout(1_800_000)

t.test('every page has runnable blocks', async (t) => {
  for (const page of PAGES) t.ok(runnableBlocks(readFileSync(join(repoRoot, page), 'utf8')).length > 0, page)
})

t.test('every sh block in the docs parses, and none breaks on paste', async (t) => {
  const pages = [
    'README.md',
    ...readdirSync(join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
  for (const page of pages) {
    const blocks = [...readFileSync(join(repoRoot, page), 'utf8').matchAll(/^```sh( runnable)?\n([\s\S]*?)^```$/gm)]
    for (const [, , block] of blocks) {
      const first = block!.split('\n')[0]
      // `\ ` then a comment ends the command there: the next line runs on its own
      t.notMatch(block!, /\\[ \t]+(#.*)?$/m, `${page}: "${first}": a line continuation is the line's last character`)
      const parsed = spawnSync('bash', ['-n'], { input: block, encoding: 'utf8' })
      t.equal(parsed.status, 0, `${page}: "${first}" parses: ${parsed.stderr}`)
    }
  }
})

for (const page of PAGES) {
  t.test(`${page}: every runnable shell block succeeds in a fresh checkout`, { timeout: 840_000 }, async (t) => {
    let script = runnableBlocks(readFileSync(join(repoRoot, page), 'utf8')).join('\n')
    const used: number[] = []
    for (const port of PORTS) {
      if (!script.includes(port)) continue
      used.push(await freePort())
      script = script.replaceAll(port, String(used.at(-1)))
    }
    const root = mkdtempSync(join(tmpdir(), 'tagrelay-docs-'))
    t.teardown(() => rmSync(root, { recursive: true, force: true }))
    const dir = freshCheckout(root)
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: dir,
      detached: true,
      env: childEnv({
        npm_config_offline: 'true',
        // npx records the checkout it runs in its cache: a cache of this run's own
        npm_config_cache: join(root, 'npm-cache'),
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // the group is gone already
      }
    }
    t.teardown(killGroup)
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    const closed = new Promise((resolve) => child.on('close', resolve))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    // a page that failed half-way leaves its background servers holding the output open
    killGroup()
    await closed
    t.equal(code, 0, `${page} exits 0`, code === 0 ? {} : { output: output.slice(-6000) })
    if (code === 0)
      for (const port of used) t.notOk(await listening(port), `the page's own stop step left nothing on port ${port}`)
  })
}
