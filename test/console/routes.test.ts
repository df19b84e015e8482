import { gzipSync } from 'node:zlib'
import t from 'tap'
import { CONSOLE_CSP, loadAssets, PAGES } from '../../src/console/index.js'
import { ADMIN_TOKEN, build } from '../helpers/build.js'

t.test('every page: a shell with a strict CSP, no inline script or style, no asset from elsewhere', async (t) => {
  const { app } = await build(t, { extra: { admin: { token: ADMIN_TOKEN } } })
  t.notMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/, 'no unsafe-inline, no wildcard')
  t.match(CONSOLE_CSP, /frame-ancestors 'none'/)
  t.match(CONSOLE_CSP, /script-src 'self'/)
  const urls = [...PAGES.filter((p) => p.name !== 'event').map((p) => `/console/${p.name}`), '/console/events/evt_1']
  for (const url of urls) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-security-policy'], CONSOLE_CSP, `${url}: CSP`)
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cache-control'], 'no-store')
    t.notMatch(res.body, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son\w+=/i, `${url}: nothing inline`)
    t.notMatch(res.body, /(src|href)="(https?:)?\/\//, `${url}: nothing from another host`)
  }
  t.equal((await app.inject({ url: '/console' })).headers.location, '/console/events')
  const js = await app.inject({ url: '/console/assets/core.js' })
  t.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
  t.equal((await app.inject({ url: '/console/assets/../routes.ts' })).statusCode, 404, 'only the assets')
  t.equal((await app.inject({ url: '/console/assets/nope.js' })).statusCode, 404)
})

t.test('the assets weigh well under 150 KB compressed', async (t) => {
  const assets = loadAssets()
  t.ok(assets.has('core.js') && assets.has('console.css'), 'loaded')
  for (const page of PAGES) t.ok(assets.has(`pages/${page.name}.js`), `a module for ${page.name}`)
  const gz = [...assets.values()].reduce((n, a) => n + gzipSync(a.body).length, 0)
  t.ok(gz < 150 * 1024, `${gz} bytes gzipped`)
  t.comment(`console assets: ${assets.size} files, ${gz} bytes gzipped`)
})
