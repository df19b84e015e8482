import { codes, TagrelayError } from '../errors.js'

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }

const EXPECTED = '(expected sqlite:<path> or postgres://...)'

function invalid(message: string): TagrelayError {
  return new TagrelayError(codes.TAGRELAY_CONFIG_INVALID, `store.url: ${message} ${EXPECTED}`)
}

/**
 * Reads `store.url` into where the store lives.
 *
 * - `sqlite:./data/tagrelay.db`, `sqlite:data.db`: relative to the working directory;
 * - `sqlite:///var/lib/tagrelay.db`: absolute (three slashes, as in SQLAlchemy);
 * - `sqlite::memory:`: an in-memory database (tests, `tagrelay check`);
 * - `postgres://...`, `postgresql://...`: passed through unchanged.
 *
 * Why error messages quote only the scheme, never the URL: a PostgreSQL URL carries a
 * password, and secrets must never reach logs or errors.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url)
  if (!match?.[1]) throw invalid('missing scheme')
  const scheme = match[1].toLowerCase()
  const rest = url.slice(match[0].length)

  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!rest.startsWith('//')) throw invalid(`"${scheme}:" must be followed by //`)
    return { kind: 'postgres', url }
  }
  if (scheme !== 'sqlite') throw invalid(`unsupported scheme "${scheme}:"`)

  if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:' }
  if (rest.startsWith('//')) {
    const path = rest.slice(2)
    // sqlite://host/... has no meaning for a file database: refuse rather than guess.
    if (!path.startsWith('/')) throw invalid('sqlite:// must be followed by an absolute path (sqlite:///abs/path.db)')
    return { kind: 'sqlite', path }
  }
  if (rest === '' || rest.endsWith('/')) throw invalid('sqlite: needs a database file path')
  return { kind: 'sqlite', path: rest }
}
