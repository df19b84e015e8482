export { buildApp } from './app.js'
export type { AppDeps, RouteDeps } from './app.js'
