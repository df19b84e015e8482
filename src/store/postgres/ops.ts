/** The operations roles of the PostgreSQL store (refused requests, the alert outbox), one import for the store. */
export { PostgresAlertOutbox } from './alerts.js'
export { PostgresRefusedStore } from './refused.js'
