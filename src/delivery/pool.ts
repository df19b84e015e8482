/**
 * Runs queued tasks with at most `limit` at once. A task may queue more tasks (a bulk
 * call's failed contacts retried singly); they run before the pool resolves.
 */
export class TaskPool {
  readonly #queue: (() => Promise<void>)[] = []

  constructor(private readonly limit: number) {}

  push(task: () => Promise<void>): void {
    this.#queue.push(task)
  }

  async run(): Promise<void> {
    const runner = async (): Promise<void> => {
      for (let task = this.#queue.shift(); task; task = this.#queue.shift()) await task()
    }
    while (this.#queue.length > 0) {
      await Promise.all(Array.from({ length: Math.min(this.limit, this.#queue.length) }, runner))
    }
  }
}
