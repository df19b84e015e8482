/** How a job names the HighLevel contact it is for: an id, or an email and/or phone to look up. */
export interface ContactRef {
  id?: string
  email?: string
  /** E.164, e.g. +14155552671 */
  phone?: string
}

export interface NewEvent {
  id: string
  source: string
  /** epoch milliseconds */
  receivedAt: number
  /** request headers with secrets already removed */
  headers: Record<string, string>
  body: unknown
  /** tags the event produced, all intents together (for the 202 answer and the trail) */
  tags: string[]
  /** the rules' explain trace, stored as-is */
  explain: unknown
  /** who the event is about, even when no rule matched: found by the contact filter */
  contact?: ContactRef
}

export interface NewJob {
  location: string
  contact: ContactRef
  add: string[]
  remove: string[]
  rules: string[]
  /** fields to create the contact with (upsert, never tags) when the lookup finds none */
  create?: Record<string, string>
  /** the W3C traceparent of the webhook that made the job (only when tracing is on) */
  traceParent?: string
}

export type JobStatus = 'pending' | 'done' | 'dead'

export interface Job extends NewJob {
  id: number
  /**
   * The accept order of the job's intents: its id, or for a re-run's job its event's
   * first job's. Coalescing and the tag fence compare intents by it.
   */
  seq: number
  eventId: string
  status: JobStatus
  attempts: number
  lastError: string | null
  /** epoch ms at which the job is next due */
  runAt: number
  /** epoch ms at which the job was accepted (retries stop after delivery.retryMaxAgeHours) */
  createdAt?: number
  /**
   * HighLevel contact id once resolved (the payload's id until then). `contact` keeps the
   * identity the job was given, so a resolved id HighLevel later refuses is looked up again.
   */
  contactId: string | null
  /**
   * The job's last claim ended without an outcome (its owner was killed, or its lease ran
   * out mid-call): HighLevel may have applied its calls. Delivery reads the contact first.
   */
  inDoubt?: boolean
}

export interface EventRecord extends NewEvent {
  jobs: Job[]
}

export interface AttemptRecord {
  startedAt: number
  finishedAt: number
  outcome: 'done' | 'retry' | 'dead'
  statusCode?: number | null
  error?: string | null
  contactId?: string | null
  response?: unknown
  /** HighLevel's rate-limit headers as last reported for the location when the attempt ended */
  rateLimit?: Record<string, number | null> | null
}

export interface ClaimOptions {
  /** who holds the lease: a worker id unique per process */
  owner: string
  limit: number
  leaseMs: number
  now: number
  /** only jobs of this location (the delivery engine runs one lane per location) */
  location?: string
}

/** The last intent applied on one tag of one contact: its accept sequence and event. */
export interface TagFence {
  seq: number
  eventId: string
}

/** A tag a round sent, for the fence: the intent that decided it (tag lowercased). */
export interface AppliedTag extends TagFence {
  location: string
  contactId: string
  tag: string
}

/** What a SQLite process found when it took over the file's deliveries. */
export interface Takeover {
  /** how many owners have started on this store, this one included */
  epoch: number
  /** the owner before this one (null on a new store) */
  previous: string | null
  /** leases of dead owners dropped: those jobs are due at once */
  released: number
}

/** A dead letter: the job, its attempts (HighLevel's answers kept) and its event's id. */
export interface DeadLetter {
  job: Job
  attempts: AttemptRecord[]
}

/** A dead or waiting job planned again under the rules in force: the fields to create its contact with (null: none). */
export interface JobReplan {
  id: number
  create: Record<string, string> | null
}

export interface DeadLetterFilter {
  limit?: number
  /** only ids above this one (paging) */
  afterId?: number
  location?: string
  /**
   * only jobs of these locations (a caller's scope, issue 28), in the query itself so a
   * page is never short; an empty list matches nothing
   */
  locations?: readonly string[]
}

/** One location's OAuth token pair: defined below both the store and the auth module, which share it */
export type { OAuthTokens } from '../common/oauth-tokens.js'

export interface AcceptOptions {
  /**
   * The sender's delivery id for this event's source. When a live key (not yet expired)
   * already exists, nothing is stored and the first event is returned instead; otherwise
   * the key is recorded with the event, in the same transaction. `alsoKeys` are more
   * keys for the same event (a hash of a body-only-signed body): any one of them live
   * makes it a duplicate, and all are recorded together.
   */
  dedupe?: { key: string; expiresAt: number; alsoKeys?: readonly string[] }
}

export type AcceptResult =
  | { duplicate: false }
  /** the first event with this key; `tags`/`explain` are empty if it was pruned since */
  | { duplicate: true; id: string; tags: string[]; explain: unknown }

/** How an event stands, from its jobs: `none` when no rule produced a job. */
export type EventStatus = 'none' | 'pending' | 'done' | 'dead'

/** Filters for `listEvents`, newest first; every field optional. */
export interface EventFilter {
  source?: string
  /** dead if any job is dead, else pending if any is, else done (or none without jobs) */
  status?: EventStatus
  /** a HighLevel contact id, an email (case-insensitive) or an E.164 phone of any of its jobs */
  contact?: string
  /** a location (its name in the config) that one of its jobs delivers to */
  location?: string
  /**
   * a caller's scope (issue 28): events with a job at one of `locations`, or with no job
   * at all and from one of `sources` (a source whose default location is in scope); in
   * the query itself, so pages are full and nothing outside is counted
   */
  within?: { locations: readonly string[]; sources: readonly string[] }
  /** a rule that matched it */
  rule?: string
  /** a rule that did not match it (pair with the rule's source) */
  ruleMissed?: string
  /** a tag it asked for */
  tag?: string
  /** epoch ms, inclusive */
  since?: number
  /** epoch ms, exclusive */
  until?: number
  /** keyset cursor: only events strictly after this one in (receivedAt desc, id desc) order */
  after?: { receivedAt: number; id: string }
  limit: number
}

export interface EventSummary extends Pick<NewEvent, 'id' | 'source' | 'receivedAt' | 'tags'> {
  /** tags its jobs remove (each once), so a list shows removals beside additions */
  removed: string[]
  status: EventStatus
  jobCount: number
  /** who it is about, as the event gave it (empty when no rule could read a contact) */
  contact: ContactRef
  /** the location its first job delivers to (by name), null without a job */
  location: string | null
}

/** An attempt as stored, with the job it belongs to and its number (1-based). */
export interface StoredAttempt extends AttemptRecord {
  jobId: number
  attempt: number
}

/** The delivery queue of one location, as read at a scrape. */
export interface LocationQueue {
  location: string
  pending: number
  dead: number
  /** epoch ms the oldest pending job was created, null when none is pending */
  oldestPendingAt: number | null
  /**
   * the same, leaving out jobs waiting for their contact to exist in HighLevel (last
   * attempt: contact not found, no `create:`): such waiting is normal, not a late delivery
   */
  oldestDeliverableAt: number | null
  /** pending jobs waiting for their contact to exist in HighLevel */
  awaitingContact: number
}

/** One re-run of a stored event with the rules in force then (the trail shows every one). */
export interface RerunRecord {
  /** epoch ms */
  at: number
  /** who asked: the admin API or the command line, as the caller names it */
  by: string
  rulesVersion: string
  /** what the re-run changed: the jobs it added, the tags now added/removed that were not before */
  changes: unknown
}
