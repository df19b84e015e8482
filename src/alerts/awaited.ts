import type { Job } from '../store/index.js'
import type { AlertMessage } from './message.js'
import { iso, watchMessage } from './messages.js'
import type { WatchStep } from './watch.js'

const who = (j: Job): string => j.contact.email ?? j.contact.phone ?? j.contact.id ?? '?'

/**
 * The quieter trigger for jobs waiting for their contact to exist in HighLevel (not
 * found, no `create:`): normal for a while (a form tool creates the contact moments
 * later), so `oldest_pending` leaves them out; after `afterMinutes` this one names the
 * people, where and since when, and what happens at the end of the window.
 */
export function awaitedMessage(
  step: NonNullable<WatchStep>,
  found: { count: number; first: Job[] },
  contactNotFoundRetryHours: number,
  now: number,
  link: (path: string) => string,
): AlertMessage {
  const people = found.first.map(
    (j) =>
      `${who(j)} (${j.location}, since ${iso(j.createdAt ?? j.runAt)
        .slice(0, 16)
        .replace('T', ' ')} UTC)`,
  )
  const more = found.count > found.first.length ? ` and ${found.count - found.first.length} more` : ''
  return watchMessage(step, now, {
    kind: 'contacts_awaited',
    subject: '*',
    firing: [
      `${found.count} job${found.count === 1 ? '' : 's'} waiting for contacts HighLevel does not have`,
      `Waiting for ${people.join(', ')}${more} to exist in HighLevel. Their rules have no create:, so after ${contactNotFoundRetryHours} h they become dead letters; add create: to the rules to make new people (then replay).`,
    ],
    resolved: ['No job waits for a contact any more', 'Every contact waited for was found, created or given up on.'],
    details: {
      count: found.count,
      contacts: found.first.map((j) => ({
        jobId: j.id,
        eventId: j.eventId,
        location: j.location,
        contact: j.contact,
        since: iso(j.createdAt ?? j.runAt),
        trail: link(`/console/events/${j.eventId}`),
      })),
    },
    links: found.first.map((j) => link(`/console/events/${j.eventId}`)),
  })
}
