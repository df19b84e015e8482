// The load hook of tsx-coverage.mjs: runs after tsx has compiled a TypeScript module and
// fills in the source map's missing original source. Async (`register`, on the loader's
// thread) where tsx registers async hooks (Node 20); the same function runs as a
// synchronous hook (`registerHooks`) where tsx uses those (Node 22 and newer).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/

/** `result` (a load hook's answer for `url`) with the original source in its inline source map */
export function withSourcesContent(url, result) {
  if (!url.startsWith('file:') || !/\.[cm]?tsx?$/.test(new URL(url).pathname) || result.source == null) return result
  // a string, or bytes
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8')
  const found = INLINE_MAP.exec(source)
  if (!found) return result
  const map = JSON.parse(Buffer.from(found[1], 'base64').toString('utf8'))
  if (!Array.isArray(map.sourcesContent) || map.sourcesContent[0] != null) return result
  map.sourcesContent = [readFileSync(fileURLToPath(url), 'utf8')]
  const encoded = Buffer.from(JSON.stringify(map)).toString('base64')
  return {
    ...result,
    source: `${source.slice(0, found.index)}\n//# sourceMappingURL=data:application/json;base64,${encoded}\n`,
  }
}

export async function load(url, context, nextLoad) {
  return withSourcesContent(url, await nextLoad(url, context))
}
