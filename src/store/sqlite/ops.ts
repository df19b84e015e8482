/** The operations roles of the SQLite store (refused requests, the alert outbox), one import for the store. */
export { SqliteAlertOutbox } from './alerts.js'
export { SqliteRefusedStore } from './refused.js'
