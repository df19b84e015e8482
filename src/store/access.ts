/**
 * What scoped access keeps in the store (issue 28): the scope of each console session
 * (migration 80) and portal links (migration 81), one-time links that open a scoped
 * session.
 */
import { EVERYTHING, type Scope } from '../common/scope.js'
import { fromRow, type Row } from './rows.js'
import { SqlRole } from './sql.js'

/** A scope as one TEXT column: JSON; a row from before migration 80 (NULL) is scope `all`. */
export function scopeToText(scope: Scope): string {
  if (scope.kind === 'company') return JSON.stringify({ kind: 'company', companyId: scope.companyId })
  if (scope.kind === 'locations') return JSON.stringify({ kind: 'locations', locationIds: [...scope.locationIds] })
  return JSON.stringify({ kind: 'all' })
}

/** The scope a column holds; anything unreadable is the empty list of locations (sees nothing), never `all`. */
export function scopeFromText(text: string | null): Scope {
  if (text === null) return EVERYTHING
  try {
    const v = JSON.parse(text) as { kind?: unknown; companyId?: unknown; locationIds?: unknown }
    if (v.kind === 'all') return EVERYTHING
    if (v.kind === 'company' && typeof v.companyId === 'string') return { kind: 'company', companyId: v.companyId }
    if (v.kind === 'locations' && Array.isArray(v.locationIds) && v.locationIds.every((x) => typeof x === 'string'))
      return { kind: 'locations', locationIds: v.locationIds as string[] }
  } catch {
    // below
  }
  return { kind: 'locations', locationIds: [] }
}

/** One portal link: its secret is never stored, only the SHA-256 of it. */
export interface StoredPortalLink {
  id: string
  /** hex SHA-256 of the secret in the link's fragment */
  secretHash: string
  scope: Scope
  role: string
  /** a label for the list (e.g. "Acme Dental, viewer"), never a secret */
  label: string
  createdBy: string
  /** epoch ms */
  createdAt: number
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
}

/** Why a link could not be exchanged (or `ok` with the link). */
export type PortalLinkUse =
  | { outcome: 'ok'; link: StoredPortalLink }
  | { outcome: 'unknown' | 'used' | 'expired' | 'revoked'; link?: StoredPortalLink }

/** A row whose `scope` column holds a scope's text (portal links, console sessions), as its contract type. */
export const fromScopedRow = <T>(r: Row): T => ({ ...fromRow<T>(r), scope: scopeFromText(r.scope as string | null) })

const toPortalLink = fromScopedRow<StoredPortalLink>

/** Why an unusable link is refused, in the order the exchange reports it. */
function whyUnusable(link: StoredPortalLink | undefined, at: number): PortalLinkUse['outcome'] {
  if (link === undefined) return 'unknown'
  if (link.revokedAt !== null) return 'revoked'
  if (link.usedAt !== null) return 'used'
  if (link.expiresAt <= at) return 'expired'
  return 'ok'
}

/** Portal links over either store; the use is one conditional UPDATE. */
export class PortalLinksSql extends SqlRole {
  async create(l: Omit<StoredPortalLink, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.sql.run(
      `INSERT INTO portal_links (id, secret_hash, scope, role, label, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [l.id, l.secretHash, scopeToText(l.scope), l.role, l.label, l.createdBy, l.createdAt, l.expiresAt],
    )
  }

  /** newest first; revoked, used and expired ones too, for `limit` rows */
  async list(limit: number): Promise<StoredPortalLink[]> {
    const rows = await this.sql.all<Row>('SELECT * FROM portal_links ORDER BY created_at DESC, id DESC LIMIT $1', [
      limit,
    ])
    return rows.map(toPortalLink)
  }

  async get(id: string): Promise<StoredPortalLink | undefined> {
    const row = await this.sql.get<Row>('SELECT * FROM portal_links WHERE id = $1', [id])
    return row && toPortalLink(row)
  }

  /** true when the link was revoked now, false when unknown or already revoked */
  async revoke(id: string, at: number): Promise<boolean> {
    const n = await this.sql.run('UPDATE portal_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      at,
      id,
    ])
    return n === 1
  }

  /**
   * Marks the link with this secret hash used at `at`, in one conditional UPDATE: of two
   * exchanges at once exactly one gets `ok`; the other sees `used`.
   */
  async use(secretHash: string, at: number): Promise<PortalLinkUse> {
    const won = await this.sql.get<Row>(
      `UPDATE portal_links SET used_at = $1
       WHERE secret_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 RETURNING *`,
      [at, secretHash],
    )
    if (won) return { outcome: 'ok', link: toPortalLink(won) }
    const row = await this.sql.get<Row>('SELECT * FROM portal_links WHERE secret_hash = $1', [secretHash])
    const link = row && toPortalLink(row)
    const why = whyUnusable(link, at)
    // a row that was usable a moment ago but not updated here: another exchange took it
    return { outcome: why === 'ok' ? 'used' : why, ...(link ? { link } : {}) }
  }
}
