export { buildApp } from './app.js'
export type { AppDeps, DeliveryPauses, RouteDeps } from './deps.js'
