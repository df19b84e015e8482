/** Re-running stored events and replaying dead letters with the rules in force now (admin API, `tagrelay rerun` and `replay`). */
export { rerunEvent, rerunEvents, replansFor, RerunEventNotFoundError } from './rerun.js'
export type { RerunDeps, RerunPlan } from './rerun.js'
export { replayUnderRules } from './replay.js'
export type { ReplayDeps } from './replay.js'
export type { Waiting } from './replan.js'
