// The load hook of tsx-coverage.mjs: runs on the module loader's thread, after tsx has
// compiled a TypeScript module, and fills in the source map's missing original source.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context)
  if (!url.startsWith('file:') || !/\.[cm]?tsx?$/.test(new URL(url).pathname) || result.source == null) return result
  const source = String(result.source)
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
