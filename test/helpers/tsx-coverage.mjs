// tap's TypeScript loader (package.json, tap.node-arg): tsx, plus a load hook that puts the
// original source into tsx's source maps. See docs/development.md.
//
// Why the hook: tap measures coverage through the inspector rather than NODE_V8_COVERAGE,
// and tsx writes `sourcesContent: [null]` into its source maps unless that variable is set
// when its loader thread starts (tap's own loaders start that thread first). The coverage
// report then takes the null for the file's text and maps every file to a single line.
import * as nodeModule from 'node:module'
import { withSourcesContent } from './tsx-coverage-hooks.mjs'

await import('tsx')
// registered last, so it sees tsx's output; in the same kind of hook tsx uses (tsx prefers
// the synchronous `registerHooks` where Node has it, and an async hook would then see the
// TypeScript before tsx compiles it)
if (typeof nodeModule.registerHooks === 'function')
  nodeModule.registerHooks({ load: (url, context, nextLoad) => withSourcesContent(url, nextLoad(url, context)) })
else nodeModule.register('./tsx-coverage-hooks.mjs', import.meta.url)
