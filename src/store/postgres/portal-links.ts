import type pg from 'pg'
import {
  scopeToText,
  toPortalLink,
  whyUnusable,
  type PortalLinkRow,
  type PortalLinkStore,
  type PortalLinkUse,
  type StoredPortalLink,
} from '../access.js'

/** Portal links on PostgreSQL (see the SQLite twin); the use is one conditional UPDATE. */
export class PostgresPortalLinkStore implements PortalLinkStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(l: Omit<StoredPortalLink, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO portal_links (id, secret_hash, scope, role, label, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [l.id, l.secretHash, scopeToText(l.scope), l.role, l.label, l.createdBy, l.createdAt, l.expiresAt],
    )
  }

  async list(limit: number): Promise<StoredPortalLink[]> {
    const { rows } = await this.pool.query<PortalLinkRow>(
      'SELECT * FROM portal_links ORDER BY created_at DESC, id DESC LIMIT $1',
      [limit],
    )
    return rows.map(toPortalLink)
  }

  async get(id: string): Promise<StoredPortalLink | undefined> {
    const { rows } = await this.pool.query<PortalLinkRow>('SELECT * FROM portal_links WHERE id = $1', [id])
    return rows[0] === undefined ? undefined : toPortalLink(rows[0])
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const res = await this.pool.query('UPDATE portal_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      at,
      id,
    ])
    return res.rowCount === 1
  }

  async use(secretHash: string, at: number): Promise<PortalLinkUse> {
    const won = await this.pool.query<PortalLinkRow>(
      `UPDATE portal_links SET used_at = $1
       WHERE secret_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 RETURNING *`,
      [at, secretHash],
    )
    if (won.rows[0]) return { outcome: 'ok', link: toPortalLink(won.rows[0]) }
    const { rows } = await this.pool.query<PortalLinkRow>('SELECT * FROM portal_links WHERE secret_hash = $1', [
      secretHash,
    ])
    const link = rows[0] === undefined ? undefined : toPortalLink(rows[0])
    const why = whyUnusable(link, at)
    return { outcome: why === 'ok' ? 'used' : why, ...(link ? { link } : {}) }
  }
}
