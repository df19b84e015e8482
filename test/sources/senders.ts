import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto'
import { sign as githubSign } from '@octokit/webhooks-methods'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'

/**
 * One entry per sender: its config and a signer. Where the sender publishes a library,
 * the signer IS that library (Stripe's test-header generator, the standardwebhooks
 * package, @octokit/webhooks-methods); otherwise it follows the sender's documented
 * recipe with node:crypto, independently of the verifier's own code.
 */
export interface Sender {
  type: string
  /** the `verify` block, with two secrets (rotation) */
  verify: Record<string, unknown>
  /** signs `body` as of `ts` (epoch seconds) with the given secret index; returns headers */
  sign(body: string, ts: number, secret?: 0 | 1 | 'wrong'): Promise<Record<string, string>>
  /** the header a forger would duplicate */
  signatureHeader: string
  /** whether the scheme carries a timestamp (stale/future checks apply) */
  timestamped: boolean
  /** HubSpot signs the URL and method */
  url?: string
}

const hmac = (alg: string, key: string | Buffer, data: string, enc: 'hex' | 'base64') =>
  createHmac(alg, key).update(data).digest(enc)
const pick = <T>(list: readonly [T, T], which: 0 | 1 | 'wrong', wrong: T): T =>
  which === 'wrong' ? wrong : list[which]

const stripe = new Stripe('sk_test_unused')
const STRIPE = ['whsec_stripe_old_secret_0123456789', 'whsec_stripe_new_secret_9876543210'] as const
const SW = [
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'whsec_' + Buffer.from('another-standard-webhooks-key!!').toString('base64'),
] as const
const SW_WRONG = 'whsec_' + Buffer.from('a-key-nobody-configured-here!!').toString('base64')
const S = (name: string) => [`${name}-secret-one-0001`, `${name}-secret-two-0002`] as const

export const PUBLIC_URL = 'https://tags.example.com'
export const HUBSPOT_PATH = '/hooks/hubspot?portal=62515&name=a%3Ab'

export const ed = generateKeyPairSync('ed25519')
export const ed2 = generateKeyPairSync('ed25519')
export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaOther = generateKeyPairSync('rsa', { modulusLength: 2048 })
const spki = (k: typeof ed.publicKey) => k.export({ format: 'der', type: 'spki' }).toString('base64')
const pem = (k: typeof ed.publicKey) => k.export({ format: 'pem', type: 'spki' }).toString()

export const senders: Record<string, Sender> = {
  stripe: {
    type: 'stripe',
    verify: { type: 'stripe', secret: [...STRIPE] },
    signatureHeader: 'stripe-signature',
    timestamped: true,
    sign: async (payload, timestamp, s = 0) => ({
      'stripe-signature': stripe.webhooks.generateTestHeaderString({
        payload,
        secret: pick(STRIPE, s, 'whsec_wrong'),
        timestamp,
      }),
    }),
  },
  'standard-webhooks': {
    type: 'standard-webhooks',
    verify: { type: 'standard-webhooks', secret: [...SW] },
    signatureHeader: 'webhook-signature',
    timestamped: true,
    sign: async (body, ts, s = 0) => ({
      'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      'webhook-timestamp': String(ts),
      'webhook-signature': new Webhook(pick(SW, s, SW_WRONG)).sign(
        'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
        new Date(ts * 1000),
        body,
      ),
    }),
  },
  github: {
    type: 'github',
    verify: { type: 'github', secret: [...S('gh')] },
    signatureHeader: 'x-hub-signature-256',
    timestamped: false,
    sign: async (body, _ts, s = 0) => ({
      'x-hub-signature-256': await githubSign(pick(S('gh'), s, 'nope'), body),
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    }),
  },
  meta: {
    type: 'meta',
    verify: { type: 'meta', secret: [...S('meta')] },
    signatureHeader: 'x-hub-signature-256',
    timestamped: false,
    // Meta's scheme is GitHub's: octokit's signer produces exactly what Meta sends
    sign: async (body, _ts, s = 0) => ({ 'x-hub-signature-256': await githubSign(pick(S('meta'), s, 'nope'), body) }),
  },
  typeform: {
    type: 'typeform',
    verify: { type: 'typeform', secret: [...S('tf')] },
    signatureHeader: 'typeform-signature',
    timestamped: false,
    sign: async (body, _ts, s = 0) => ({
      'typeform-signature': `sha256=${hmac('sha256', pick(S('tf'), s, 'nope'), body, 'base64')}`,
    }),
  },
  shopify: {
    type: 'shopify',
    verify: { type: 'shopify', secret: [...S('shop')] },
    signatureHeader: 'x-shopify-hmac-sha256',
    timestamped: false,
    sign: async (body, _ts, s = 0) => ({
      'x-shopify-hmac-sha256': hmac('sha256', pick(S('shop'), s, 'nope'), body, 'base64'),
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    }),
  },
  'cal-com': {
    type: 'cal-com',
    verify: { type: 'cal-com', secret: [...S('cal')] },
    signatureHeader: 'x-cal-signature-256',
    timestamped: false,
    sign: async (body, _ts, s = 0) => ({
      'x-cal-signature-256': hmac('sha256', pick(S('cal'), s, 'nope'), body, 'hex'),
    }),
  },
  tally: {
    type: 'tally',
    verify: { type: 'tally', secret: [...S('tally')] },
    signatureHeader: 'tally-signature',
    timestamped: false,
    sign: async (body, _ts, s = 0) => ({
      'tally-signature': hmac('sha256', pick(S('tally'), s, 'nope'), body, 'base64'),
    }),
  },
  calendly: {
    type: 'calendly',
    verify: { type: 'calendly', secret: [...S('cly')] },
    signatureHeader: 'calendly-webhook-signature',
    timestamped: true,
    sign: async (body, ts, s = 0) => ({
      'calendly-webhook-signature': `t=${ts},v1=${hmac('sha256', pick(S('cly'), s, 'nope'), `${ts}.${body}`, 'hex')}`,
    }),
  },
  webflow: {
    type: 'webflow',
    verify: { type: 'webflow', secret: [...S('wf')] },
    signatureHeader: 'x-webflow-signature',
    timestamped: true,
    sign: async (body, ts, s = 0) => ({
      'x-webflow-timestamp': String(ts * 1000),
      'x-webflow-signature': hmac('sha256', pick(S('wf'), s, 'nope'), `${ts * 1000}:${body}`, 'hex'),
    }),
  },
  'hubspot-v3': {
    type: 'hubspot-v3',
    verify: { type: 'hubspot-v3', secret: [...S('hs')], publicUrl: PUBLIC_URL },
    signatureHeader: 'x-hubspot-signature-v3',
    timestamped: true,
    url: HUBSPOT_PATH,
    // HubSpot's recipe: decode %3A and friends in the URI, then method + URI + body + timestamp
    sign: async (body, ts, s = 0) => ({
      'x-hubspot-request-timestamp': String(ts * 1000),
      'x-hubspot-signature-v3': hmac(
        'sha256',
        pick(S('hs'), s, 'nope'),
        `POST${PUBLIC_URL}${HUBSPOT_PATH.replace('%3A', ':')}${body}${ts * 1000}`,
        'base64',
      ),
    }),
  },
  highlevel: {
    type: 'highlevel',
    verify: {
      type: 'highlevel',
      publicKey: [spki(ed2.publicKey), pem(ed.publicKey)],
      legacyPublicKey: pem(rsa.publicKey),
    },
    signatureHeader: 'x-ghl-signature',
    timestamped: true,
    sign: async (body, _ts, s = 0) => ({
      'x-ghl-signature': cryptoSign(
        null,
        Buffer.from(body),
        s === 'wrong' ? generateKeyPairSync('ed25519').privateKey : [ed, ed2][s]!.privateKey,
      ).toString('base64'),
    }),
  },
  'highlevel-legacy': {
    type: 'highlevel',
    verify: { type: 'highlevel', publicKey: spki(ed.publicKey), legacyPublicKey: pem(rsa.publicKey) },
    signatureHeader: 'x-wh-signature',
    timestamped: true,
    sign: async (body, _ts, s = 0) => ({
      'x-wh-signature': cryptoSign(
        'sha256',
        Buffer.from(body),
        s === 'wrong' ? rsaOther.privateKey : rsa.privateKey,
      ).toString('base64'),
    }),
  },
  hmac: {
    type: 'hmac',
    verify: {
      type: 'hmac',
      secret: [...S('gen')],
      header: 'X-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'v1=',
      signedContent: '{timestamp}.{body}',
      timestampHeader: 'X-Timestamp',
    },
    signatureHeader: 'x-signature',
    timestamped: true,
    sign: async (body, ts, s = 0) => ({
      'x-timestamp': String(ts),
      'x-signature': `v1=${hmac('sha512', pick(S('gen'), s, 'nope'), `${ts}.${body}`, 'base64')}`,
    }),
  },
}

/** A payload per sender; HighLevel's carries its own timestamp and webhookId. */
export function payloadFor(name: string, tsSeconds: number): string {
  if (name.startsWith('highlevel')) {
    return JSON.stringify({
      type: 'ContactTagUpdate',
      timestamp: new Date(tsSeconds * 1000).toISOString(),
      webhookId: 'wh_0d1e2f',
      email: 'ada@example.com',
    })
  }
  return JSON.stringify({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', email: 'ada@example.com', note: 'Zoë ✓' })
}
