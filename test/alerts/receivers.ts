import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface Received {
  headers: IncomingMessage['headers']
  body: string
}

export interface Receiver {
  url: string
  port: number
  received: Received[]
  /** every body the Standard Webhooks receiver could not verify */
  rejected: string[]
  close(): Promise<void>
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/**
 * A Slack-shaped incoming webhook: takes `{"text": ...}` JSON, answers 200 "ok" (or
 * 400 "invalid_payload" like Slack when there is no text).
 */
export async function slackReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      let text: unknown
      try {
        text = (JSON.parse(body) as { text?: unknown }).text
      } catch {
        text = undefined
      }
      if (req.headers['content-type'] !== 'application/json' || typeof text !== 'string') {
        res.writeHead(400).end('invalid_payload')
        return
      }
      received.push({ headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  const bound = await listen(server, port)
  return receiver(server, bound, received, [])
}

/** A receiver that verifies every request with the reference `standardwebhooks` library; 401 when it fails. */
export async function standardWebhooksReceiver(secret: string, port = 0): Promise<Receiver> {
  const received: Received[] = []
  const rejected: string[] = []
  const wh = new Webhook(secret)
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      try {
        wh.verify(body, req.headers as Record<string, string>)
      } catch {
        rejected.push(body)
        res.writeHead(401).end()
        return
      }
      received.push({ headers: req.headers, body })
      res.writeHead(204).end()
    })
  })
  const bound = await listen(server, port)
  return receiver(server, bound, received, rejected)
}

function receiver(server: Server, port: number, received: Received[], rejected: string[]): Receiver {
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
