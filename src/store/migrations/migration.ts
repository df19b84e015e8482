/**
 * One numbered schema change, the same on both stores but for the column types they
 * spell differently (`ColumnTypes`). A change only one store needs names it in `only`.
 *
 * Rules for adding a migration (they keep old databases upgradeable):
 * - one file per version, append only; never edit or renumber a migration that has
 *   shipped (a version names the same tables on both stores);
 * - `version` is a new, higher integer (gaps are allowed: the runner applies every
 *   version not yet recorded), `name` a short snake_case description; a migration must
 *   not rely on another one of the same release having run first;
 * - each runs inside its own transaction, so on SQLite no `PRAGMA` that is a no-op in a
 *   transaction (`foreign_keys`, `journal_mode`) and no `VACUUM`.
 *
 * Why SQL in TypeScript strings rather than `.sql` files: `tsc` to `dist/` then carries
 * the schema with the code, so the container needs no asset-copying step.
 *
 * Why epoch milliseconds in integers and JSON as TEXT (not timestamptz and jsonb): the
 * contract speaks epoch ms everywhere, and the JSON columns are written once and read
 * whole. jsonb would reorder keys and refuse `\u0000`, so the stored request would no
 * longer be the one that came in. Why `STRICT` tables on SQLite: SQLite otherwise
 * stores whatever it is given; STRICT makes a fractional timestamp fail at its insert.
 */
type Store = 'sqlite' | 'postgres'

export interface Migration {
  version: number
  name: string
  only?: Store
  sql(types: ColumnTypes): string
}

/** What the two stores spell differently in DDL. */
export interface ColumnTypes {
  /** an epoch-ms time or a counter */
  int: 'INTEGER' | 'BIGINT'
  /** an id that is never reused */
  serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' | 'BIGSERIAL PRIMARY KEY'
  blob: 'BLOB' | 'BYTEA'
  bool: 'INTEGER' | 'BOOLEAN'
  false: '0' | 'FALSE'
  /** after a table's closing parenthesis */
  strict: ' STRICT' | ''
  strictNoRowid: ' STRICT, WITHOUT ROWID' | ''
  /** the length in bytes of a text or blob expression */
  octets(expr: string): string
}

export const columnTypes: Record<Store, ColumnTypes> = {
  sqlite: {
    int: 'INTEGER',
    serial: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    blob: 'BLOB',
    bool: 'INTEGER',
    false: '0',
    strict: ' STRICT',
    strictNoRowid: ' STRICT, WITHOUT ROWID',
    octets: (e) => `length(CAST(${e} AS BLOB))`,
  },
  postgres: {
    int: 'BIGINT',
    serial: 'BIGSERIAL PRIMARY KEY',
    blob: 'BYTEA',
    bool: 'BOOLEAN',
    false: 'FALSE',
    strict: '',
    strictNoRowid: '',
    octets: (e) => `octet_length(${e})`,
  },
}

/** A store's spelling in a migration's SQL, filled in when the SQL is made for that store. */
type Spelling = (types: ColumnTypes) => string
type Named = Exclude<keyof ColumnTypes, 'octets'>
const NAMED: Named[] = ['int', 'serial', 'blob', 'bool', 'false', 'strict', 'strictNoRowid']

/** What a migration's SQL interpolates: `${t.int}`, `${t.octets('body')}`. */
export const t = {
  ...(Object.fromEntries(NAMED.map((k) => [k, (types: ColumnTypes) => types[k]])) as Record<Named, Spelling>),
  octets(expr: string): Spelling {
    return (types) => types.octets(expr)
  },
}

/**
 * One migration file's default export, its SQL a tagged template:
 * ``migration(7, 'events_by_source')`CREATE INDEX ...` `` (`only`: the one store that needs it).
 */
export function migration(version: number, name: string, only?: Store) {
  return (text: TemplateStringsArray, ...spellings: Spelling[]): Migration => {
    const sql = (types: ColumnTypes): string => text.reduce((out, s, i) => out + spellings[i - 1]!(types) + s)
    return only === undefined ? { version, name, sql } : { version, name, only, sql }
  }
}
