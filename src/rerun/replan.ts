import type { Job, NewJob } from '../store/index.js'

/** A job of the event still pending or dead, and how the rules in force now would create its contact. */
export interface Waiting {
  jobId: number
  status: 'pending' | 'dead'
  location: string
  contact: NewJob['contact']
  /** the fields the current rules create the contact with; null: they do not create it */
  create: Record<string, string> | null
  /** true when that differs from what the job carries now */
  changes: boolean
}

/**
 * Why a job is matched to the current rules' job by location and any one identifier
 * (id, email or phone) rather than all of them: a rule fixed to also read a phone still
 * names the same person by the email the old job has.
 */
function samePerson(a: NewJob, b: NewJob): boolean {
  if (a.location !== b.location) return false
  const { id, email, phone } = a.contact
  return (
    (id !== undefined && id === b.contact.id) ||
    (email !== undefined && email === b.contact.email) ||
    (phone !== undefined && phone === b.contact.phone)
  )
}

const same = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** The event's pending and dead jobs that the rules in force still ask for, with their current create fields. */
export function waitingJobs(jobs: readonly Job[], current: readonly NewJob[]): Waiting[] {
  return jobs.flatMap((job): Waiting[] => {
    if (job.status !== 'pending' && job.status !== 'dead') return []
    const now = current.find((c) => samePerson(job, c))
    if (!now) return []
    return [
      {
        jobId: job.id,
        status: job.status,
        location: job.location,
        contact: job.contact,
        create: now.create ?? null,
        changes: !same(job.create, now.create),
      },
    ]
  })
}

/** The create fields `waiting` has for `job`: undefined when the rules in force no longer ask for it. */
export function currentCreate(job: Job, waiting: readonly Waiting[]): Record<string, string> | null | undefined {
  const w = waiting.find((x) => x.jobId === job.id)
  return w ? w.create : undefined
}
