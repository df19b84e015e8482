/**
 * The message `parse` throws, or undefined when it does not throw: the reason a path, a
 * template or a pattern is invalid, for the schema's messages.
 */
export function problemOf(parse: () => unknown): string | undefined {
  try {
    parse()
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}
