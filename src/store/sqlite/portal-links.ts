import type { Database, Statement } from 'better-sqlite3'
import {
  scopeToText,
  toPortalLink,
  whyUnusable,
  type PortalLinkRow,
  type PortalLinkStore,
  type PortalLinkUse,
  type StoredPortalLink,
} from '../access.js'

type Insert = [string, string, string, string, string, string, number, number]

/** Portal links on SQLite; statements prepared on first use (the table exists once migrated). */
export class SqlitePortalLinkStore implements PortalLinkStore {
  #q:
    | {
        insert: Statement<Insert>
        list: Statement<[number], PortalLinkRow>
        get: Statement<[string], PortalLinkRow>
        byHash: Statement<[string], PortalLinkRow>
        revoke: Statement<[number, string]>
        use: Statement<[number, string, number]>
      }
    | undefined

  constructor(private readonly db: () => Database) {}

  get #s() {
    const db = this.db()
    return (this.#q ??= {
      insert: db.prepare(
        `INSERT INTO portal_links (id, secret_hash, scope, role, label, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare('SELECT * FROM portal_links ORDER BY created_at DESC, id DESC LIMIT ?'),
      get: db.prepare('SELECT * FROM portal_links WHERE id = ?'),
      byHash: db.prepare('SELECT * FROM portal_links WHERE secret_hash = ?'),
      revoke: db.prepare('UPDATE portal_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      use: db.prepare(
        `UPDATE portal_links SET used_at = ?
         WHERE secret_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
      ),
    })
  }

  async create(l: Omit<StoredPortalLink, 'usedAt' | 'revokedAt'>): Promise<void> {
    const { id, secretHash, scope, role, label, createdBy, createdAt, expiresAt } = l
    this.#s.insert.run(id, secretHash, scopeToText(scope), role, label, createdBy, createdAt, expiresAt)
  }

  async list(limit: number): Promise<StoredPortalLink[]> {
    return this.#s.list.all(limit).map(toPortalLink)
  }

  async get(id: string): Promise<StoredPortalLink | undefined> {
    const row = this.#s.get.get(id)
    return row === undefined ? undefined : toPortalLink(row)
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return this.#s.revoke.run(at, id).changes === 1
  }

  async use(secretHash: string, at: number): Promise<PortalLinkUse> {
    const q = this.#s
    const won = q.use.run(at, secretHash, at).changes === 1
    const row = q.byHash.get(secretHash)
    const link = row === undefined ? undefined : toPortalLink(row)
    if (won && link) return { outcome: 'ok', link }
    const why = whyUnusable(link, at)
    // a row that was usable a moment ago but not updated here: another exchange took it
    return { outcome: why === 'ok' ? 'used' : why, ...(link ? { link } : {}) }
  }
}
