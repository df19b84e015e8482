import { SOURCE_TOKEN } from '../helpers/build.js'
import { senders } from '../sources/senders.js'

/** The sources and rules the inbound tests share (inbound.test.ts, inbound-bodies.test.ts). */
export const stripeSecret = (senders.stripe!.verify.secret as string[])[0]!
export const sources = {
  pay: { location: 'main', verify: senders.stripe!.verify },
  gh: { location: 'main', verify: senders.github!.verify },
  dd: {
    location: 'main',
    verify: { type: 'token', token: SOURCE_TOKEN },
    dedupe: { header: 'x-delivery-id', retentionHours: 1 },
  },
  small: { location: 'main', verify: { type: 'none' }, bodyLimit: '1kb' },
  slow: { location: 'main', verify: { type: 'none' }, rateLimit: { perSecond: 1, burst: 2 } },
  lead: {
    location: 'main',
    verify: senders.meta!.verify,
    handshake: { type: 'meta', verifyToken: 'meta-verify-token-123' },
  },
}
export const rules = [
  {
    name: 'paid',
    source: 'pay',
    when: { field: 'type', equals: 'checkout.session.completed' },
    contact: { email: 'data.object.customer_email' },
    tags: ['customer'],
  },
  { name: 'dd', source: 'dd', contact: { email: 'email' }, tags: ['dd'] },
  {
    name: 'any-open',
    source: 'open',
    when: { field: 'q3_email', exists: true },
    contact: { email: 'q3_email' },
    tags: ['jotform'],
  },
]
