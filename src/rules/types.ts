/** Who an intent is for: a HighLevel contact id, or an email to look the contact up by. */
export interface ContactRef {
  id?: string
  email?: string
}

/** What rules see of one received event. */
export interface RuleEvent {
  source: string
  body: unknown
}

export type ConditionTrace =
  | { op: 'all' | 'any' | 'not'; passed: boolean; conditions: ConditionTrace[] }
  | { op: string; field: string; expected: unknown; found: unknown; passed: boolean }

export interface RuleTrace {
  rule: string
  matched: boolean
  /** absent when the rule has no `when` (it always matches) */
  condition?: ConditionTrace
  tags: string[]
  contact?: ContactRef
  /** why a matching rule produced no intent, e.g. the contact could not be read */
  unresolved?: string
}

/** Tags to apply to one contact, all matching rules for that contact merged. */
export interface Intent {
  contact: ContactRef
  add: string[]
  remove: string[]
  rules: string[]
}

export interface Evaluation {
  intents: Intent[]
  trace: RuleTrace[]
}
