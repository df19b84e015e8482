export { DeliveryWorker } from './worker.js'
export type { DeliveryStatus, WorkerOptions } from './worker.js'
export type { EngineClient } from './context.js'
export { retryDelay } from './backoff.js'
export type { BackoffPolicy } from './backoff.js'
export { LocalRateBudget } from './budget.js'
export { SharedRateBudget } from './shared-budget.js'
export type { LocationBudgetStatus, RateBudget, RateBudgetConfig } from './budget.js'
export { coalesce } from './coalesce.js'
export type { NetChange } from './coalesce.js'
export { planCalls } from './plan.js'
export type { PlannedCall } from './plan.js'
export {
  DeadLetterNotFoundError,
  discardDeadLetter,
  inspectDeadLetter,
  listDeadLetters,
  replayDeadLetters,
} from './dead-letters.js'
export type { DeadLetterDetail, DeadLetterSummary } from './dead-letters.js'
