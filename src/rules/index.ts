export { ruleOptionsSchema } from './options-schema.js'
export { ruleSchema, conditionSchema, fieldPath, OPERATORS, CREATE_FIELDS, MAX_TAG_LENGTH } from './schema.js'
export type { Rule, Condition, LeafCondition, Operator } from './schema.js'
export { compileRules } from './compile.js'
export type { CompiledRules, RuleOptions } from './compile.js'
export { compilePath, compileField, parsePath, isValidPath } from './path.js'
export { TEMPLATE_FILTERS, templatePaths } from './template.js'
export { normalisePhone } from './contact.js'
export { formatEvaluation } from './explain.js'
export { noCreateAdvice, ignoredIdentifiers } from './notices.js'
export type {
  ContactRef,
  RuleEvent,
  Intent,
  Evaluation,
  RuleTrace,
  ConditionTrace,
  TagTrace,
  Unmatched,
} from './types.js'
export { RuleSetRecorder, matchedRules } from './recorded.js'
export type { RuleSetStore, CompactExplain, ExplainedEvent, JudgedEvent } from './recorded.js'
