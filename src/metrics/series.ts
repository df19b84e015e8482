import { Counter, Histogram, type Registry } from 'prom-client'

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** One series counted into as things happen: its kind, name, label names and help. */
interface Spec {
  kind: 'counter' | 'histogram'
  name: `tagrelay_${string}`
  labelNames: readonly string[]
  help: string
}

const counter = <L extends string>(name: Spec['name'], labelNames: readonly L[], help: string) =>
  ({ kind: 'counter', name, labelNames, help }) as const
/** a latency histogram in seconds (LATENCY_BUCKETS) */
const histogram = <L extends string>(name: Spec['name'], labelNames: readonly L[], help: string) =>
  ({ kind: 'histogram', name, labelNames, help }) as const

/** Refused requests kept for a second look, alerts, admin sign-ins: `Metrics.ops`. */
const OPS = {
  refusedKept: counter(
    'tagrelay_refused_kept_total',
    ['source', 'code'],
    'Requests refused for a signature or token and kept for a second look, by source and code',
  ),
  refusedNotKept: counter(
    'tagrelay_refused_not_kept_total',
    ['source', 'reason'],
    'Refusals that would have been kept but were only counted, by source and reason (rate: over refused.keepPerMinute, bytes: over refused.keepBytesPerMinute)',
  ),
  refusedReverified: counter(
    'tagrelay_refused_reverified_total',
    ['source', 'outcome'],
    'Re-verifies of kept refused requests by source and outcome (accepted, refused)',
  ),
  sharedCredentialAccepts: counter(
    'tagrelay_shared_credential_accepts_total',
    ['source'],
    "Requests to a source with per-location-or-shared credentials verified with the shared secret: senders still to move to their location's own",
  ),
  alerts: counter(
    'tagrelay_alerts_total',
    ['destination', 'kind', 'outcome'],
    'Alert sends by destination, trigger and outcome (sent, retry, failed)',
  ),
  adminAuthFailures: counter(
    'tagrelay_admin_auth_failures_total',
    ['kind'],
    'Wrong admin or viewer tokens, by kind (sign-in, bearer), and refused HighLevel sign-ins (highlevel-sso)',
  ),
  adminAuthThrottled: counter(
    'tagrelay_admin_auth_throttled_total',
    ['kind'],
    'Admin sign-ins and bearer calls refused (429) because their address sent too many wrong tokens, by kind',
  ),
}

/** Webhook requests, rules, deliveries and HighLevel calls. */
const EVENTS = {
  requests: counter(
    'tagrelay_requests_total',
    ['source', 'outcome'],
    'Webhook requests by source and outcome (accepted, duplicate, rejected, unavailable, error, handshake)',
  ),
  ruleMatches: counter('tagrelay_rule_matches_total', ['rule'], 'Accepted events each rule matched'),
  ingestSeconds: histogram(
    'tagrelay_ingest_duration_seconds',
    ['source'],
    'From request start to the stored 202 answer',
  ),
  deliveries: counter(
    'tagrelay_deliveries_total',
    ['location', 'outcome'],
    'Delivery attempts by location and outcome (done, retry, dead)',
  ),
  superseded: counter(
    'tagrelay_superseded_intents_total',
    ['location'],
    'Tags not sent because a later-accepted event had already decided them (the last word wins), by location',
  ),
  alreadyApplied: counter(
    'tagrelay_already_applied_tags_total',
    ['location'],
    'Tags not sent again because a job in doubt (after a crash or a lost lease) found them already applied, by location',
  ),
  highlevelSeconds: histogram(
    'tagrelay_highlevel_request_duration_seconds',
    ['endpoint', 'status'],
    'HighLevel API calls by endpoint and HTTP status (or error)',
  ),
}

type Made<S extends Spec> = S extends { kind: 'histogram' }
  ? Histogram<S['labelNames'][number]>
  : Counter<S['labelNames'][number]>
type Series<T extends Record<string, Spec>> = { readonly [K in keyof T]: Made<T[K]> }

export type OpsMetrics = Series<typeof OPS>
export type EventSeries = Series<typeof EVENTS>

/** Registers each series of `specs` on `registry`, in their order. */
function register<T extends Record<string, Spec>>(registry: Registry, specs: T): Series<T> {
  const registers = [registry]
  const made = Object.entries(specs).map(([key, { kind, name, labelNames, help }]) => [
    key,
    kind === 'histogram'
      ? new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers })
      : new Counter({ name, help, labelNames, registers }),
  ])
  return Object.fromEntries(made) as Series<T>
}

export const opsMetrics = (registry: Registry): OpsMetrics => register(registry, OPS)
export const eventSeries = (registry: Registry): EventSeries => register(registry, EVENTS)
