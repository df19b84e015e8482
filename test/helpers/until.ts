interface Tap {
  fail(message: string): void
}

/**
 * How long a test waits for a condition before calling it broken. Only a broken test ever
 * reaches it: a passing one returns as soon as the condition holds. It is long because a
 * machine running the suite beside a benchmark is several times slower than a quiet one,
 * and a deadline that a busy machine can reach fails tests that are right (issue 25).
 */
export const UNTIL_DEADLINE_MS = 60_000

/** Looks at `check` every `everyMs` until it holds (true) or the deadline passes (its last answer). */
export async function holds(
  check: () => boolean | Promise<boolean>,
  ms = UNTIL_DEADLINE_MS,
  everyMs = 20,
): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return check()
}

/** Waits until `check` holds; a test failure naming `what` if it never does. */
export async function until(
  t: Tap,
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = UNTIL_DEADLINE_MS,
): Promise<void> {
  if (!(await holds(check, ms))) t.fail(`timed out waiting for ${what}`)
}
