import { spawn } from 'node:child_process'
import t from 'tap'
// @ts-expect-error a plain .mjs script without types
import { killTree } from '../../scripts/run-tests/kill-tree.mjs'
import { until } from '../helpers/until.js'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('a timed-out test file is killed with the children it started in groups of their own', async (t) => {
  // a "test file" in its own group (as the runner starts one) that starts a detached
  // grandchild, as the docs' runnable blocks start a page's servers, and then hangs
  const file = spawn(
    process.execPath,
    [
      '-e',
      `const { spawn } = require('node:child_process')
       const server = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' })
       console.log(server.pid)
       setInterval(() => {}, 1000)`,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const grandchild = await new Promise<number>((resolve) => file.stdout.once('data', (c: Buffer) => resolve(Number(c))))
  t.teardown(() => {
    for (const pid of [file.pid!, grandchild]) if (alive(pid)) process.kill(pid, 'SIGKILL')
  })
  t.ok(alive(grandchild), 'the grandchild runs in a group of its own')
  const exited = new Promise((resolve) => file.on('exit', resolve))
  killTree(file.pid)
  await exited
  await until(t, 'the grandchild to be gone', () => !alive(grandchild))
  t.notOk(alive(grandchild), 'the grandchild was killed too')
})
