import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_REQUEST_BYTES = 1024 * 1024

export type ReadResult = { tooLarge: false; body: Buffer } | { tooLarge: true }

export function readRequestBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<ReadResult> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ tooLarge: true })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.pause()
        resolve({ tooLarge: true })
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => resolve({ tooLarge: false, body: Buffer.concat(chunks) }))
    req.once('error', reject)
  })
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  })
  res.end(payload)
}
