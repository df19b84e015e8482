import type { LocationQueue } from '../store/index.js'
import type { AlertMessage } from './message.js'
import type { WatchStep } from './watch.js'
import { reasonInWords } from '../common/reasons.js'

type Link = (path: string) => string
const iso = (ms: number): string => new Date(ms).toISOString()
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

export function heldMessage(
  locationId: string,
  step: NonNullable<WatchStep>,
  reason: string | null,
  since: number | null,
  now: number,
  link: Link,
): AlertMessage {
  const fire = step === 'fire'
  return {
    kind: 'location_held',
    state: fire ? 'firing' : 'resolved',
    subject: locationId,
    title: fire ? `Location ${locationId} held back` : `Location ${locationId} delivering again`,
    text: fire
      ? `Nothing has been delivered to HighLevel location ${locationId} for ${minutes(now - (since ?? now))} min: ${reason ? reasonInWords(reason) : 'paused'}. It is listed first on the locations page.`
      : `Deliveries to ${locationId} resumed.`,
    at: iso(now),
    details: { locationId, reason, since: since === null ? null : iso(since) },
    links: [link('/console/locations')],
  }
}

export function pendingMessage(
  location: string,
  step: NonNullable<WatchStep>,
  queue: LocationQueue | undefined,
  now: number,
  link: Link,
): AlertMessage {
  const fire = step === 'fire'
  // jobs waiting for their contact are not late: the contacts_awaited trigger names them
  const oldest = queue?.oldestDeliverableAt ?? null
  const awaiting = queue?.awaitingContact ?? 0
  return {
    kind: 'oldest_pending',
    state: fire ? 'firing' : 'resolved',
    subject: location,
    title: fire ? `Deliveries to ${location} are behind` : `Deliveries to ${location} caught up`,
    text: fire
      ? `The oldest tag waiting for ${location} has waited ${minutes(now - (oldest ?? now))} min (${(queue?.pending ?? 0) - awaiting} waiting${awaiting > 0 ? `, and ${awaiting} waiting for their contact, not counted` : ''}).`
      : `No job of ${location} is waiting too long any more.`,
    at: iso(now),
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
  }
}

export function refusalMessage(
  source: string,
  step: NonNullable<WatchStep>,
  count: number,
  windowMinutes: number,
  now: number,
  link: Link,
): AlertMessage {
  const fire = step === 'fire'
  return {
    kind: 'refusals',
    state: fire ? 'firing' : 'resolved',
    subject: source,
    title: fire
      ? `Source ${source}: requests refused for their signature or token`
      : `Source ${source}: refusals stopped`,
    text: fire
      ? `${count} requests from ${source} were refused in ${windowMinutes} min because their signature or token did not match: did the sender change its secret? They are kept: fix the secret in the config, then re-verify them all at once.`
      : `No more refusals on ${source} within ${windowMinutes} min.`,
    at: iso(now),
    details: { source, count, windowMinutes },
    links: [link(`/console/refused?source=${encodeURIComponent(source)}&status=refused`)],
  }
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
