import type { Job } from '../store/index.js'
import type { Failure } from './failure.js'

/**
 * One person of a round: every job naming any of the same emails or phones (the
 * identifiers overlap), resolved once to one contact id.
 */
export interface Person {
  /** cache keys ('email:..' first, then 'phone:..'), each once */
  keys: string[]
  /** in accept order */
  jobs: Job[]
  contactId?: string
  /** keys the id came from the cache with (forgotten if HighLevel says the id is stale) */
  cachedKeys: string[]
  created?: boolean
  failure?: Failure
  /** the email and the phone led to different contacts; the email's won */
  conflict?: { emailContactId: string; phoneContactId: string }
}

/** The email or phone a cache key ('email:..', 'phone:..') holds, if it is of that kind. */
export const emailOf = (key: string): string | undefined => (key.startsWith('email:') ? key.slice(6) : undefined)
export const phoneOf = (key: string): string | undefined => (key.startsWith('phone:') ? key.slice(6) : undefined)

export const cacheKeys = (job: Job): string[] => [
  ...(job.contact.email ? [`email:${job.contact.email.toLowerCase()}`] : []),
  ...(job.contact.phone ? [`phone:${job.contact.phone}`] : []),
]

/**
 * Groups jobs without a given id into persons: jobs sharing an email or a phone, directly
 * or through another job (one rule reads email and phone, another only the email), are
 * one person. Why here and not per job: resolved apart, the lookup-only job of a new
 * contact raced the one that creates it and lost. Union-find keeps it linear.
 */
export function groupPersons(jobs: readonly Job[]): Person[] {
  const parent = jobs.map((_, i) => i)
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number
    return i
  }
  const owner = new Map<string, number>()
  jobs.forEach((job, i) => {
    for (const key of cacheKeys(job)) {
      const j = owner.get(key)
      if (j === undefined) owner.set(key, i)
      else parent[root(i)] = root(j)
    }
  })
  const persons = new Map<number, Person>()
  const sorted = jobs.map((job, i) => ({ job, i })).sort((a, b) => a.job.id - b.job.id)
  for (const { job, i } of sorted) {
    const r = root(i)
    const person = persons.get(r) ?? { keys: [], jobs: [], cachedKeys: [] }
    person.jobs.push(job)
    persons.set(r, person)
  }
  for (const person of persons.values()) {
    const keys = new Set(person.jobs.flatMap(cacheKeys))
    person.keys = [...keys].sort((a, b) => Number(a.startsWith('phone:')) - Number(b.startsWith('phone:')))
  }
  return [...persons.values()]
}

/** The fields to create a person with: every job's `create:` merged in accept order, later wins per field. */
export function createFields(person: Person): Record<string, string> | undefined {
  const withCreate = person.jobs.filter((j) => j.create)
  if (withCreate.length === 0) return undefined
  return Object.assign({}, ...withCreate.map((j) => j.create)) as Record<string, string>
}

/** "email a@b.c or phone +1..." for messages. */
export function describeKeys(keys: readonly string[]): string {
  return keys.map((k) => k.replace(':', ' ')).join(' or ')
}
