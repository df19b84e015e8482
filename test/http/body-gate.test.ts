import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { request } from 'undici'
import t from 'tap'
import { BodyGate } from '../../src/http/body-gate.js'
import { build, SOURCE_TOKEN } from '../helpers/build.js'

/**
 * Large webhook bodies are read a few at a time (issue 29, finding 1): a flood of them
 * must not hold up a small webhook. The gate alone with stand-in requests, then a real
 * server with a large body held half-sent on a raw socket.
 */
function fakeRequest(headers: Record<string, string>): { request: FastifyRequest; reply: FastifyReply; end(): void } {
  const raw = new EventEmitter() as EventEmitter & { destroyed: boolean }
  raw.destroyed = false
  return {
    request: { headers, raw: { destroyed: false } } as unknown as FastifyRequest,
    reply: { raw } as unknown as FastifyReply,
    end: () => raw.emit('close'),
  }
}

t.test('the gate: small bodies pass, large ones wait for a slot, a closed answer frees it', async (t) => {
  const gate = new BodyGate({ overBytes: 1000, atOnce: 2 })
  const big = () => fakeRequest({ 'content-length': '5000' })
  const [a, b, c] = [big(), big(), big()]
  await gate.admit(a.request, a.reply)
  await gate.admit(b.request, b.reply)
  let cIn = false
  const cAdmitted = gate.admit(c.request, c.reply).then(() => (cIn = true))
  await Promise.resolve()
  t.same(gate.load, { reading: 2, waiting: 1 }, 'a third large body waits')
  const small = fakeRequest({ 'content-length': '1000' })
  await gate.admit(small.request, small.reply)
  t.same(gate.load, { reading: 2, waiting: 1 }, 'a small body (at the threshold) takes no slot')
  t.notOk(cIn)
  a.end()
  a.end() // a second close frees nothing more
  await cAdmitted
  t.same(gate.load, { reading: 2, waiting: 0 }, 'the waiting body took the freed slot, once')
  b.end()
  c.end()
  t.same(gate.load, { reading: 0, waiting: 0 })
  t.ok(gate.isLarge(fakeRequest({ 'transfer-encoding': 'chunked' }).request), 'a chunked body is large')
  t.ok(gate.isLarge(fakeRequest({ 'content-length': 'x' }).request), 'a length that is not a number is large')
  t.notOk(gate.isLarge(fakeRequest({}).request), 'no body at all is small')
})

function largePost(port: number, bytes: number): { socket: Socket; answer: Promise<string>; finish(): void } {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (d) => (text += d.toString('latin1')))
  const answer = new Promise<string>((resolve) => socket.on('close', () => resolve(text)))
  socket.on('error', () => {})
  const body = Buffer.alloc(bytes, 'a')
  body.write('{"email":"flood@example.com","pad":"')
  body.write('"}', bytes - 2)
  socket.write(
    `POST /hooks/forms HTTP/1.1\r\nHost: x\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `x-tagrelay-token: wrong-token-0123456789\r\ncontent-length: ${bytes}\r\n\r\n`,
  )
  socket.write(body.subarray(0, bytes / 2))
  return { socket, answer, finish: () => socket.write(body.subarray(bytes / 2)) }
}

t.test('a large body held half-sent fills the only slot; a small webhook is still accepted', async (t) => {
  const { app } = await build(t, { server: { largeBodies: { overBytes: 64 * 1024, atOnce: 1 } } })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const port = Number(new URL(url).port)
  const first = largePost(port, 200_000)
  const second = largePost(port, 200_000)
  second.finish()
  t.teardown(() => [first, second].forEach((p) => p.socket.destroy()))
  const res = await request(`${url}/hooks/forms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tagrelay-token': SOURCE_TOKEN },
    body: JSON.stringify({ type: 'signup', email: 'ada@example.com' }),
  })
  t.equal(res.statusCode, 202, 'the small webhook did not wait for the large bodies')
  await res.body.dump()
  let secondAnswered = false
  void second.answer.then(() => (secondAnswered = true))
  const again = await request(`${url}/healthz`)
  await again.body.dump()
  t.notOk(secondAnswered, 'the second large body, sent whole, still waits for the slot the held one has')
  first.finish()
  t.match(await first.answer, /^HTTP\/1\.1 401 /, 'the held body, once sent, is refused for its token')
  t.match(await second.answer, /^HTTP\/1\.1 401 /, 'the one that waited for the slot is read and refused too')
})
