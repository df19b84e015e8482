// What the runner's lanes take next (scripts/run-tests.mjs).
//
// One list, in the order the runner wants things started: the checks, then every test file
// (and every file that needs a process of its own) longest first. A lane takes the first
// item it may run; a file that can share a process starts a batch (scripts/run-tests/batch.mjs),
// which then asks for one file after another for as long as the lane's next item is such a
// file. Files are dealt one at a time, when a batch is ready for its next, rather than into
// batches fixed before the run: a fixed batch that ran longer than its guess left the other
// core idle for the last 40 s of a run (docs/development.md, "How the suite runs").

export class Queue {
  #items

  /** `items`: each has `batchable` (shares a process) and `realTime` (test/slow.txt) */
  constructor(items) {
    this.#items = [...items]
  }

  /** Whether an item that `fits` is still waiting. */
  has(fits) {
    return this.#items.some(fits)
  }

  /** The first waiting item that `fits`, taken off the list. */
  take(fits) {
    const i = this.#items.findIndex(fits)
    return i < 0 ? undefined : this.#items.splice(i, 1)[0]
  }

  /**
   * The next file for a running batch: the first item that `fits`, when it is a file that
   * can share the batch's process. When it is not (a check, a file of its own), the batch
   * ends, so that the item starts when its turn comes and not after every shared file.
   */
  takeForBatch(fits) {
    const i = this.#items.findIndex(fits)
    return i < 0 || !this.#items[i].batchable ? undefined : this.#items.splice(i, 1)[0]
  }
}

/**
 * The lanes' rules: `jobs` lanes take anything; one more takes the real-time files
 * (test/slow.txt), which mostly wait on the processes, servers and browser they drive, and,
 * once none is left, anything, so that no core idles while files are still waiting.
 */
export function laneRules(queue, jobs) {
  const any = () => true
  const realTimeFirst = (item) => item.realTime === true || !queue.has((i) => i.realTime === true)
  return [...Array.from({ length: jobs }, () => any), realTimeFirst]
}
