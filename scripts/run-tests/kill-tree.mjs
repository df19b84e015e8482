// Killing a test file that outlived its timeout, with every process it started.
//
// Why not only its process group: a test may start children in groups of their own
// (`detached: true`, to kill a page's background servers with the page), and a test
// killed with SIGKILL never runs the teardown that would stop them. So the runner walks
// /proc for the file's descendants and kills them and their groups too. Elsewhere than
// Linux there is no /proc to read, and only the file's group is killed.
import { readdirSync, readFileSync } from 'node:fs'

/** pid → [parent pid, process group] of every process /proc shows; empty without /proc */
function processTable() {
  const table = new Map()
  let entries = []
  try {
    entries = readdirSync('/proc')
  } catch {
    return table
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue
    try {
      // the command name, in parentheses, may hold spaces: the fields start after its last ')'
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.set(Number(name), [Number(fields[1]), Number(fields[2])])
    } catch {
      // gone since the listing
    }
  }
  return table
}

function kill(id) {
  try {
    process.kill(id, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** SIGKILLs `pid`'s group, every descendant of `pid`, and each descendant's group. */
export function killTree(pid) {
  const table = processTable()
  const children = new Map()
  for (const [id, [parent]] of table) children.set(parent, [...(children.get(parent) ?? []), id])
  const found = []
  for (let queue = [pid]; queue.length > 0;) {
    const id = queue.shift()
    for (const child of children.get(id) ?? []) {
      found.push(child)
      queue.push(child)
    }
  }
  kill(-pid)
  for (const id of found) {
    const group = table.get(id)[1]
    if (group !== pid && group > 1) kill(-group)
    kill(id)
  }
}
