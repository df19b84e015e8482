import fc from 'fast-check'

/**
 * Strings built the way an attacker builds them against a backtracking pattern or a
 * quadratic loop: long runs of one character class, separators repeated, digits with a
 * trailing letter, shapes that almost match an email, a number, a date or a phone, and
 * unicode that grows under normalisation. `adversarialStrings(n)` gives each shape at
 * about `n` characters; `adversarialString` composes runs at random for fast-check.
 */
export const RUN_CHARS = [
  '1',
  'a',
  'Z',
  ' ',
  '\t',
  '\n',
  '.',
  '@',
  '-',
  '+',
  '_',
  ',',
  ':',
  '=',
  '&',
  '%',
  '/',
  '\\',
  '"',
  '{',
  '}',
  '[',
  ']',
  '|',
  '\u0000',
  '\u001b',
]

const UNICODE = ['é', '\u202e', '\ufdfa', '\u0301', '😀', '\ud800', '\u00a0', 'ß']

/** Each shape, as a function of its size: only the shapes a test keeps are built. */
type Shape = (run: (s: string) => string) => string
const SHAPES: Shape[] = [
  ...RUN_CHARS.flatMap((c): Shape[] => [(run) => run(c), (run) => run(c) + 'x', (run) => 'a' + run(c) + '!']),
  (run) => 'a@' + run('.') + '@',
  (run) => run('a@'),
  (run) => 'a@' + run('a.') + ' ',
  (run) => run('@.'),
  (run) => '-' + run('1') + '.',
  (run) => run('1') + 'e',
  (run) => run('1.') + 'x',
  (run) => '.' + run('1') + 'e+',
  (run) => run(' ') + '1' + run(' ') + 'x',
  (run) => '2026-01-01T00:00:00.' + run('1'),
  (run) => '+' + run('1 '),
  (run) => run('(1)'),
  (run) => '+1 ' + run('-'),
  (run) => run('{{') + 'x',
  (run) => run('{{a}}'),
  (run) => run('"\\'),
  (run) => run('%41'),
  (run) => run('a[b]'),
  (run) => run('a=b&'),
  (run) => run(' v1,'),
  (run) => run('t=1,'),
  (run) => run('sha256='),
  (run) => run('-') + 'a',
  (run) => run('/') + 'x',
  ...UNICODE.map(
    (u): Shape =>
      (run) =>
        run(u),
  ),
  (run) => run('a\u0301'),
]

/** Every shape at about `n` characters; with `every`, only every k-th shape (big sizes, fewer cases). */
export function adversarialStrings(n: number, every = 1): string[] {
  const run = (s: string) => s.repeat(Math.max(1, Math.floor(n / s.length)))
  return SHAPES.filter((_, i) => i % every === 0).map((shape) => shape(run))
}

/** Random compositions of runs (class, length) and unicode, up to `maxLength` characters. */
export function adversarialString(maxLength: number): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc
      .tuple(fc.constantFrom(...RUN_CHARS, ...UNICODE, 'a@', '1.', '. ', '@.'), fc.integer({ min: 1, max: maxLength }))
      .map(([c, k]) => c.repeat(Math.max(1, Math.floor(k / c.length)))),
    fc.string({ maxLength: 8 }),
  )
  return fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('').slice(0, maxLength))
}

/** CPU milliseconds (user + system) one call takes. */
export function cpuMs(fn: () => unknown): number {
  const start = process.cpuUsage()
  fn()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

/**
 * A fixed piece of parser-like work (JSON, splitting, a form parse over 220 KB) and the CPU
 * ms it takes on the 2-core container when nothing else runs (4.9-9.1 ms measured
 * 2026-12-04 on Node 20, 22 and 24; the figure is rounded up so a quiet machine reads 1).
 */
const REFERENCE_SAMPLE = JSON.stringify(
  Array.from({ length: 4000 }, (_, i) => ({ id: i, email: `n${i}@example.com`, tags: ['a', 'b'] })),
)
const REFERENCE_MS = 10
function referenceWork(): number {
  let n = 0
  for (let i = 0; i < 4; i++) {
    n += (JSON.parse(REFERENCE_SAMPLE) as unknown[]).length + REFERENCE_SAMPLE.split(',').length
    n += new URLSearchParams(REFERENCE_SAMPLE.slice(0, 40_000).replaceAll(',', '&')).size
  }
  return n
}

/**
 * How many times more CPU the same work costs right now than on a quiet machine: 1 when
 * quiet, more when a neighbour shares the caches and memory bandwidth or the host steals
 * cycles. CPU time does not grow with the number of busy processes, but it does grow with
 * these: in a CI run the 1 MB parser cases went over their CPU limit and the hostile
 * requests stalled /healthz 30 times longer than quiet (a file of 2.5 s took 63 s), while
 * wall-clock slowdown over CPU time read 1.0. The least of three counts.
 */
export function cpuSlowdown(): number {
  let least = Infinity
  for (let i = 0; i < 3; i++) least = Math.min(least, cpuMs(referenceWork))
  return Math.max(1, least / REFERENCE_MS)
}

/**
 * CPU ms of a call in quiet-machine units, measured up to twice more while over `limit`
 * (the least counts): a garbage collection or a JIT compile landing inside one call is
 * noise, a slow algorithm is slow every time. A figure still over the limit is divided by
 * `cpuSlowdown()`, measured then: a quadratic loop or a backtracking pattern on a body
 * near 1 MB costs seconds, hundreds of times the limit, which no slowdown explains.
 */
export function cpuMsConfirmed(fn: () => unknown, limit: number): number {
  let least = cpuMs(fn)
  for (let retry = 0; retry < 2 && least > limit; retry++) least = Math.min(least, cpuMs(fn))
  return least > limit ? least / cpuSlowdown() : least
}
