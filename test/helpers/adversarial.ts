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
 * CPU ms of a call, measured up to twice more while over `limit` (the least counts): a
 * garbage collection or a JIT compile landing inside one call is noise, a slow algorithm
 * is slow every time.
 */
export function cpuMsConfirmed(fn: () => unknown, limit: number): number {
  let least = cpuMs(fn)
  for (let retry = 0; retry < 2 && least > limit; retry++) least = Math.min(least, cpuMs(fn))
  return least
}
