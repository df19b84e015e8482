// tap's TypeScript loader (package.json, tap.node-arg): tsx, plus a load hook that puts the
// original source into tsx's source maps. See docs/development.md.
//
// Why the hook: tap measures coverage through the inspector rather than NODE_V8_COVERAGE,
// and tsx writes `sourcesContent: [null]` into its source maps unless that variable is set
// when its loader thread starts (tap's own loaders start that thread first). The coverage
// report then takes the null for the file's text and maps every file to a single line.
import { register } from 'node:module'

await import('tsx')
register('./tsx-coverage-hooks.mjs', import.meta.url) // registered last, so it sees tsx's output
