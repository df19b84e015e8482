import type { LocationQueue } from '../store/index.js'
import type { AlertKind, AlertMessage } from './message.js'
import type { WatchStep } from './watch.js'
import { reasonInWords } from '../common/reasons.js'

type Link = (path: string) => string
export const iso = (ms: number): string => new Date(ms).toISOString()
const minutes = (ms: number): number => Math.round(ms / 60_000)

/** The first dead letters of a digest: enough to start from, with links to their trails. */
export interface DeadSample {
  id: number
  eventId: string
  location: string
  lastError: string | null
}

// Links go to the console pages a person reads (server.publicUrl + /console/...), never to admin API paths.
const event = (link: Link, id: string): string => link(`/console/events/${encodeURIComponent(id)}`)

export function deadLetterDigest(count: number, first: DeadSample[], now: number, link: Link): AlertMessage {
  const reasons = first.map((j) => `job ${j.id}: ${reasonInWords(j.lastError, j.location)}`)
  return {
    kind: 'dead_letters',
    state: 'digest',
    subject: '*',
    title: `${count} new dead letter${count === 1 ? '' : 's'}: tags that will not be added`,
    text: `${count} deliver${count === 1 ? 'y' : 'ies'} to HighLevel failed for good and will not be retried. ${first.length === count ? '' : 'The first: '}${reasons.join('; ')}. Open the dead letters to see them by cause, fix it, then replay them.`,
    at: iso(now),
    details: { count, first: first.map((j) => ({ ...j, trail: event(link, j.eventId) })) },
    links: [link('/console/dead-letters'), ...first.map((j) => event(link, j.eventId))],
  }
}

export function deadLettersCleared(now: number, link: Link): AlertMessage {
  return {
    kind: 'dead_letters',
    state: 'resolved',
    subject: '*',
    title: 'No dead letters left',
    text: 'Every dead letter has been replayed or discarded.',
    at: iso(now),
    details: { count: 0 },
    links: [link('/console/dead-letters')],
  }
}

/** What a watched condition's alert says when it fires and when it clears: [title, text] each. */
export interface WatchedAlert {
  kind: AlertKind
  subject: string
  firing: [title: string, text: string]
  resolved: [title: string, text: string]
  details: Record<string, unknown>
  links: string[]
}

/** A watched condition's alert for a step (`Watch`): firing, or resolved once it cleared. */
export function watchMessage(step: NonNullable<WatchStep>, now: number, alert: WatchedAlert): AlertMessage {
  const fire = step === 'fire'
  const [title, text] = fire ? alert.firing : alert.resolved
  return {
    kind: alert.kind,
    state: fire ? 'firing' : 'resolved',
    subject: alert.subject,
    title,
    text,
    at: iso(now),
    details: alert.details,
    links: alert.links,
  }
}

export function heldMessage(
  locationId: string,
  step: NonNullable<WatchStep>,
  reason: string | null,
  since: number | null,
  now: number,
  link: Link,
): AlertMessage {
  return watchMessage(step, now, {
    kind: 'location_held',
    subject: locationId,
    firing: [
      `Location ${locationId} held back`,
      `Nothing has been delivered to HighLevel location ${locationId} for ${minutes(now - (since ?? now))} min: ${reason ? reasonInWords(reason) : 'paused'}. It is listed first on the locations page.`,
    ],
    resolved: [`Location ${locationId} delivering again`, `Deliveries to ${locationId} resumed.`],
    details: { locationId, reason, since: since === null ? null : iso(since) },
    links: [link('/console/locations')],
  })
}

export function pendingMessage(
  location: string,
  step: NonNullable<WatchStep>,
  queue: LocationQueue | undefined,
  now: number,
  link: Link,
): AlertMessage {
  // jobs waiting for their contact are not late: the contacts_awaited trigger names them
  const oldest = queue?.oldestDeliverableAt ?? null
  const awaiting = queue?.awaitingContact ?? 0
  return watchMessage(step, now, {
    kind: 'oldest_pending',
    subject: location,
    firing: [
      `Deliveries to ${location} are behind`,
      `The oldest tag waiting for ${location} has waited ${minutes(now - (oldest ?? now))} min (${(queue?.pending ?? 0) - awaiting} waiting${awaiting > 0 ? `, and ${awaiting} waiting for their contact, not counted` : ''}).`,
    ],
    resolved: [`Deliveries to ${location} caught up`, `No job of ${location} is waiting too long any more.`],
    details: {
      location,
      pending: (queue?.pending ?? 0) - awaiting,
      awaitingContact: awaiting,
      oldestPendingAt: oldest === null ? null : iso(oldest),
    },
    links: [
      link(`/console/events?location=${encodeURIComponent(location)}&status=pending`),
      link('/console/locations'),
    ],
  })
}

export function refusalMessage(
  source: string,
  step: NonNullable<WatchStep>,
  count: number,
  windowMinutes: number,
  now: number,
  link: Link,
): AlertMessage {
  return watchMessage(step, now, {
    kind: 'refusals',
    subject: source,
    firing: [
      `Source ${source}: requests refused for their signature or token`,
      `${count} requests from ${source} were refused in ${windowMinutes} min because their signature or token did not match: did the sender change its secret? They are kept: fix the secret in the config, then re-verify them all at once.`,
    ],
    resolved: [`Source ${source}: refusals stopped`, `No more refusals on ${source} within ${windowMinutes} min.`],
    details: { source, count, windowMinutes },
    links: [link(`/console/refused?source=${encodeURIComponent(source)}&status=refused`)],
  })
}

/** `tagrelay alerts test`: a sample that says where it came from. */
export function testMessage(now: number): AlertMessage {
  return {
    kind: 'test',
    state: 'test',
    subject: '*',
    title: 'tagrelay alert test',
    text: 'This destination receives tagrelay alerts.',
    at: iso(now),
    details: {},
    links: [],
  }
}
