import type tap from 'tap'
import type { AttemptRecord, NewEvent, NewJob } from '../../src/store/index.js'

/** The callback type of `t.test`, plugins included. */
export type Tap = Parameters<Parameters<typeof tap.test>[0]>[0]

export const T0 = 1_700_000_000_000

let seq = 0

export function event(overrides: Partial<NewEvent> = {}): NewEvent {
  seq += 1
  return {
    id: `evt_${seq}_${Math.random().toString(36).slice(2, 8)}`,
    source: 'typeform',
    receivedAt: T0,
    headers: { 'content-type': 'application/json', 'user-agent': 'Typeform Webhooks' },
    body: { form_response: { form_id: 'abc123', answers: [{ type: 'email', email: 'a@example.com' }] }, n: 1.5 },
    tags: ['webinar-2026', 'utm-google'],
    explain: [{ rule: 'webinar lead', matched: true, steps: [{ field: 'x', ok: true }] }],
    ...overrides,
  }
}

let people = 0

/**
 * A job for a new person each time (a@example.com, a2@example.com, ...): jobs of one
 * person are claimed in accept order, one at a time (person order), so tests of the lease
 * protocol itself use different people; tests of person order name the contact.
 */
export function job(overrides: Partial<NewJob> = {}): NewJob {
  const n = people++
  return {
    location: 'main',
    contact: { email: n === 0 ? 'a@example.com' : `a${n + 1}@example.com` },
    add: ['webinar-2026'],
    remove: [],
    rules: ['webinar lead'],
    ...overrides,
  }
}

export function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return { startedAt: T0 + 10, finishedAt: T0 + 20, outcome: 'done', statusCode: 200, ...overrides }
}
