/**
 * Who an intent is for: a HighLevel contact id, or an email and/or an E.164 phone to look
 * the contact up by.
 */
export interface ContactRef {
  id?: string
  email?: string
  phone?: string
}

/** What rules see of one received event. */
export interface RuleEvent {
  source: string
  body: unknown
  /** request headers, names lowercased (as Node gives them) */
  headers?: Record<string, string | string[] | undefined>
  query?: Record<string, unknown>
  /** epoch milliseconds; `$receivedAt` reads it as an ISO string */
  receivedAt?: number
  /** the location the event was routed to (`$location`): the source's, the URL's or the payload's */
  location?: string
}

export type ConditionTrace =
  | { op: 'all' | 'any' | 'not'; passed: boolean; conditions: ConditionTrace[] }
  | { op: string; field: string; expected: unknown; found: unknown; passed: boolean; note?: string }

/** How one `tags`/`untag` entry turned out: a tag, or why it produced none. */
export interface TagTrace {
  template: string
  tag?: string
  skipped?: string
  /** what was removed from a rendered tag (control or format characters) */
  cleaned?: string
}

export interface RuleTrace {
  rule: string
  matched: boolean
  /** absent when the rule has no `when` (it always matches) */
  condition?: ConditionTrace
  /** tags added (normalised); empty when the rule did not match */
  tags: string[]
  /** tags removed (normalised), when the rule has `untag` and matched */
  untag?: string[]
  /** templates that produced no tag, and why */
  skippedTags?: TagTrace[]
  /** rendered tags that had control or format characters removed */
  cleanedTags?: TagTrace[]
  contact?: ContactRef
  /** identifiers the event has but that could not be used (a phone with no country), each with why */
  ignored?: string[]
  /** the rule's `location`, when it overrides the source's */
  location?: string
  /** why a matching rule produced no intent, e.g. the contact could not be read */
  unresolved?: string
  /** set on the rule whose `stop: true` ended evaluation */
  stopped?: boolean
  /** why the rule was not evaluated at all (an earlier rule stopped) */
  skipped?: string
}

/** Tags to apply to one contact at one location, all matching rules for them merged. */
export interface Intent {
  contact: ContactRef
  add: string[]
  remove: string[]
  rules: string[]
  /** the rules' `location` override; absent means the source's location */
  location?: string
  /** fields to create the contact with (through upsert, never tags) if it does not exist */
  create?: Record<string, string>
}

export interface Unmatched {
  rule: string
  reason: string
}

export interface Evaluation {
  intents: Intent[]
  trace: RuleTrace[]
  /** matching rules whose contact could not be resolved: no delivery, recorded with the reason */
  unmatched: Unmatched[]
}
