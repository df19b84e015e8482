import type { Database, Statement } from 'better-sqlite3'
import type { AlertOutbox } from '../ops/roles.js'
import { toAlert, type AlertRow } from '../ops/rows.js'
import { toJob, type JobRow } from '../rows.js'
import type { Job } from '../types.js'
import type { Alert, AlertFilter, NewAlert } from '../ops/types.js'

interface Statements {
  insert: Statement<[string, string, string, string, string, number, number]>
  claim: Statement<[{ owner: string; limit: number; now: number; lease: number }], AlertRow>
  sent: Statement<[number, number, string]>
  failed: Statement<[{ status: string; error: string; retry: number | null; id: number; owner: string }]>
  list: Statement<[{ status: string | null; before: number | null; limit: number }], AlertRow>
  prune: Statement<[number]>
  deadCount: Statement<[number], { n: number }>
  deadFirst: Statement<[number, number], JobRow>
  awaitCount: Statement<[number], { n: number }>
  awaitFirst: Statement<[number, number], JobRow>
  lead: Statement<[{ owner: string; until: number; now: number }]>
}

/** The alert outbox on SQLite; statements prepared on first use (after migrate). */
export class SqliteAlertOutbox implements AlertOutbox {
  readonly #db: () => Database
  #q: Statements | undefined

  constructor(db: () => Database) {
    this.#db = db
  }

  get #stmts(): Statements {
    if (this.#q) return this.#q
    const db = this.#db()
    this.#q = {
      insert: db.prepare(
        `INSERT INTO alert_outbox (destination, kind, subject, state, payload, created_at, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      claim: db.prepare(
        `UPDATE alert_outbox SET lease_owner = @owner, lease_until = @now + @lease, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM alert_outbox
           WHERE status = 'pending' AND next_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
           ORDER BY next_at, id LIMIT @limit)
         RETURNING *`,
      ),
      sent: db.prepare(
        `UPDATE alert_outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE id = ? AND lease_owner = ?`,
      ),
      failed: db.prepare(
        `UPDATE alert_outbox SET status = @status, last_error = @error, next_at = coalesce(@retry, next_at),
           lease_owner = NULL, lease_until = NULL
         WHERE id = @id AND lease_owner = @owner`,
      ),
      list: db.prepare(
        `SELECT * FROM alert_outbox WHERE (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      ),
      prune: db.prepare(`DELETE FROM alert_outbox WHERE status IN ('sent', 'failed') AND created_at < ?`),
      lead: db.prepare(
        'UPDATE alert_leader SET owner = @owner, until = @until WHERE id = 1 AND (owner = @owner OR until <= @now)',
      ),
      deadCount: db.prepare(`SELECT count(*) AS n FROM jobs WHERE status = 'dead' AND updated_at > ?`),
      deadFirst: db.prepare(
        `SELECT * FROM jobs WHERE status = 'dead' AND updated_at > ? ORDER BY updated_at, id LIMIT ?`,
      ),
      awaitCount: db.prepare(
        `SELECT count(*) AS n FROM jobs WHERE status = 'pending' AND last_error LIKE 'TAGRELAY_CONTACT_NOT_FOUND%' AND created_at < ?`,
      ),
      awaitFirst: db.prepare(
        `SELECT * FROM jobs WHERE status = 'pending' AND last_error LIKE 'TAGRELAY_CONTACT_NOT_FOUND%' AND created_at < ?
         ORDER BY created_at, id LIMIT ?`,
      ),
    }
    return this.#q
  }

  async enqueue(alerts: NewAlert[]): Promise<void> {
    const q = this.#stmts
    this.#db()
      .transaction(() => {
        for (const a of alerts)
          q.insert.run(a.destination, a.kind, a.subject, a.state, JSON.stringify(a.payload), a.createdAt, a.createdAt)
      })
      .immediate()
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<Alert[]> {
    const q = this.#stmts
    const n = Math.max(1, Math.floor(limit))
    const rows = this.#db()
      .transaction(() => q.claim.all({ owner, limit: n, now, lease: leaseMs }))
      .immediate()
    return rows.map(toAlert).sort((a, b) => a.nextAt - b.nextAt || a.id - b.id)
  }

  async markSent(id: number, owner: string, now: number): Promise<void> {
    this.#stmts.sent.run(now, id, owner)
  }

  async markFailed(id: number, owner: string, error: string, retryAt: number | null): Promise<void> {
    this.#stmts.failed.run({ status: retryAt === null ? 'failed' : 'pending', error, retry: retryAt, id, owner })
  }

  async list(filter: AlertFilter): Promise<Alert[]> {
    const { status = null, before = null, limit } = filter
    return this.#stmts.list.all({ status, before, limit }).map(toAlert)
  }

  async prune(before: number): Promise<number> {
    return this.#stmts.prune.run(before).changes
  }

  async deadLettersSince(since: number, limit: number): Promise<{ count: number; first: Job[] }> {
    const q = this.#stmts
    return { count: q.deadCount.get(since)?.n ?? 0, first: q.deadFirst.all(since, limit).map(toJob) }
  }

  async awaitingContacts(createdBefore: number, limit: number): Promise<{ count: number; first: Job[] }> {
    const q = this.#stmts
    return {
      count: q.awaitCount.get(createdBefore)?.n ?? 0,
      first: q.awaitFirst.all(createdBefore, limit).map(toJob),
    }
  }

  async lead(owner: string, leaseMs: number, now: number): Promise<boolean> {
    return this.#stmts.lead.run({ owner, until: now + leaseMs, now }).changes === 1
  }
}
