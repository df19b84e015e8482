/** Re-running stored events with the rules in force now (admin API and `tagrelay rerun`). */
export { rerunEvent, rerunEvents, RerunEventNotFoundError } from './rerun.js'
export type { RerunDeps, RerunPlan } from './rerun.js'
