/**
 * The ingest use case, apart from HTTP: judging a request with the rules (`judge`),
 * accepting it into the store (`ingest`), and testing rules on a sample (`testRules`).
 * The webhook route, the admin rules tester, `tagrelay test-rule` and re-runs all go
 * through here, so they cannot drift apart.
 */
export { judge } from './judge.js'
export type { Inbound, JudgedSource, Judgement } from './judge.js'
export { ingest } from './ingest.js'
export type { IngestDeps, IngestResult, Received } from './ingest.js'
export { testRules } from './tester.js'
export type { RuleTestAnswer } from './tester.js'
export { summariseJobs } from './summary.js'
export type { JobSummary } from './summary.js'
