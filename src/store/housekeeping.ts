import { toJob, type Row } from './rows.js'
import { q, SqlRole } from './sql.js'
import type { Job, JobStatus } from './types.js'

/** Rule sets by version, over either store. */
export class RuleSetsSql extends SqlRole {
  /**
   * records a rule set under its version (JSON text); a version already recorded is kept
   * as it is. Written once per version (at start and on reload), read by the trail.
   */
  async saveRuleSet(version: string, definition: string, now: number): Promise<void> {
    await this.sql.run(
      'INSERT INTO rule_sets (version, definition, created_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING',
      [version, definition, now],
    )
  }

  /** the JSON text recorded for `version`, if any */
  async loadRuleSet(version: string): Promise<string | undefined> {
    return (
      await this.sql.get<{ definition: string }>('SELECT definition FROM rule_sets WHERE version = $1', [version])
    )?.definition
  }
}

/** Retention and counts for operators, the demo, benchmarks and harnesses, over either store. */
export class HousekeepingSql extends SqlRole {
  /**
   * Deletes events received before `before` (epoch ms) whose jobs are all done, with
   * their jobs and attempts, and expired dedupe keys; returns the number deleted.
   * Why only events whose jobs are all done: a pending job is still to be delivered, and
   * a dead one is a dead letter, kept until replayed or discarded. Jobs and attempts go
   * with their event (ON DELETE CASCADE). Expired dedupe keys go too.
   */
  async pruneDelivered(before: number): Promise<number> {
    return this.sql.write(function* () {
      const n = yield* q.run(
        `DELETE FROM events WHERE received_at < $1
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = events.id AND j.status <> 'done')`,
        [before],
      )
      yield* q.run('DELETE FROM dedupe WHERE expires_at <= $1', [before])
      return n
    })
  }

  async countEvents(): Promise<number> {
    return Number((await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM events'))?.n ?? 0)
  }

  async countJobs(status?: JobStatus): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'SELECT count(*) AS n FROM jobs WHERE ($1::text IS NULL OR status = $1)',
      [status ?? null],
    )
    return Number(row?.n ?? 0)
  }

  async listJobs(filter: { eventId?: string; status?: JobStatus } = {}): Promise<Job[]> {
    const rows = await this.sql.all<Row>(
      `SELECT * FROM jobs WHERE ($1::text IS NULL OR event_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id`,
      [filter.eventId ?? null, filter.status ?? null],
    )
    return rows.map(toJob)
  }
}
