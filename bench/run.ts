/**
 * `npm run bench -- <name>`: runs one benchmark from bench/<name>.ts. Each prints its
 * figures, then one JSON object on its last line for scripts and CI to read.
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> | void }>> = {
  rules: () => import('./rules.js'),
  ingest: () => import('./ingest.js'),
  'ingest-tracing': () => import('./ingest-tracing.js'),
  delivery: () => import('./delivery.js'),
  locations: () => import('./locations.js'),
  admin: () => import('./admin.js'),
  'console-locations': () => import('./console-locations.js'),
  refusals: () => import('./refusals.js'),
}

const name = process.argv[2]
const load = name ? BENCHES[name] : undefined
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>`)
  process.exit(2)
}
const bench = await load()
await bench.run()
