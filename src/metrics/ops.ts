import { Counter, type Registry } from 'prom-client'

/** The series of refused requests kept for a second look and of alerts, on the app's registry. */
export class OpsMetrics {
  readonly refusedKept: Counter<'source' | 'code'>
  readonly refusedNotKept: Counter<'source' | 'reason'>
  readonly refusedReverified: Counter<'source' | 'outcome'>
  readonly sharedCredentialAccepts: Counter<'source'>
  readonly alerts: Counter<'destination' | 'kind' | 'outcome'>
  readonly adminAuthFailures: Counter<'kind'>
  readonly adminAuthThrottled: Counter<'kind'>

  constructor(registry: Registry) {
    const registers = [registry]
    this.refusedKept = new Counter({
      name: 'tagrelay_refused_kept_total',
      help: 'Requests refused for a signature or token and kept for a second look, by source and code',
      labelNames: ['source', 'code'],
      registers,
    })
    this.refusedNotKept = new Counter({
      name: 'tagrelay_refused_not_kept_total',
      help: 'Refusals that would have been kept but were only counted, by source and reason (rate: over refused.keepPerMinute, bytes: over refused.keepBytesPerMinute)',
      labelNames: ['source', 'reason'],
      registers,
    })
    this.refusedReverified = new Counter({
      name: 'tagrelay_refused_reverified_total',
      help: 'Re-verifies of kept refused requests by source and outcome (accepted, refused)',
      labelNames: ['source', 'outcome'],
      registers,
    })
    this.sharedCredentialAccepts = new Counter({
      name: 'tagrelay_shared_credential_accepts_total',
      help: "Requests to a source with per-location-or-shared credentials verified with the shared secret: senders still to move to their location's own",
      labelNames: ['source'],
      registers,
    })
    this.alerts = new Counter({
      name: 'tagrelay_alerts_total',
      help: 'Alert sends by destination, trigger and outcome (sent, retry, failed)',
      labelNames: ['destination', 'kind', 'outcome'],
      registers,
    })
    this.adminAuthFailures = new Counter({
      name: 'tagrelay_admin_auth_failures_total',
      help: 'Wrong admin or viewer tokens, by kind (sign-in, bearer), and refused HighLevel sign-ins (highlevel-sso)',
      labelNames: ['kind'],
      registers,
    })
    this.adminAuthThrottled = new Counter({
      name: 'tagrelay_admin_auth_throttled_total',
      help: 'Admin sign-ins and bearer calls refused (429) because their address sent too many wrong tokens, by kind',
      labelNames: ['kind'],
      registers,
    })
  }
}
