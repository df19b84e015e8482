export { consoleRoutes, CONSOLE_CSP, loadAssets } from './routes.js'
export { PAGES } from './pages.js'
