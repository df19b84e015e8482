export { buildApp } from './app.js'
export type { AppDeps, DeliveryPauses, RouteDeps } from './deps.js'
export { mintPortalLink, portalUrl } from './routes/admin/portal-links.js'
