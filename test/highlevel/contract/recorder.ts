import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { request } from 'undici'
import type { Exchange } from './contract.js'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host'])

/**
 * A recording proxy on port 0 in front of `target`: the client under test is pointed at
 * it unchanged (no patched code, its own Pool), and every request and answer is kept
 * byte for byte for the contract check.
 */
export async function recordingProxy(t: Test, target: string): Promise<{ url: string; exchanges: Exchange[] }> {
  const exchanges: Exchange[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks)
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k))) as Record<
        string,
        string
      >
      request(target + (req.url ?? '/'), {
        method: req.method as 'GET',
        headers,
        body: requestBody.length > 0 ? requestBody : undefined,
      }).then(
        async (upstream) => {
          const responseBody = Buffer.from(await upstream.body.arrayBuffer())
          exchanges.push({
            method: req.method ?? '',
            url: req.url ?? '/',
            requestHeaders: req.headers,
            requestBody,
            status: upstream.statusCode,
            responseHeaders: upstream.headers as Exchange['responseHeaders'],
            responseBody,
          })
          const out = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => !HOP_BY_HOP.has(k)))
          res.writeHead(upstream.statusCode, out)
          res.end(responseBody)
        },
        () => res.socket?.destroy(),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exchanges }
}
