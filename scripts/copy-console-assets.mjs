// tsc compiles src/ to dist/ but copies nothing else: the console's browser assets
// (plain JS and CSS, no build step) go beside the compiled routes that serve them.
import { cpSync, rmSync } from 'node:fs'

rmSync('dist/console/assets', { recursive: true, force: true })
cpSync('src/console/assets', 'dist/console/assets', { recursive: true })
