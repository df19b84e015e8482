import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadConfigFile } from '../src/config/index.js'
import { buildApp } from '../src/http/index.js'
import { createLogger } from '../src/log.js'
import { compileRules } from '../src/rules/index.js'
import { createSourceRegistry } from '../src/sources/index.js'
import { sourceSchema } from '../src/sources/schema.js'
import { openStore } from '../src/store/index.js'
import { captureLogs, tempDir } from './helpers/build.js'
import { senders } from './sources/senders.js'

const dir = 'examples/senders'
const first = (name: string) => (senders[name]!.verify.secret as string[])[0]!
const env = {
  HL_TOKEN_MAIN: 'pit-example',
  STRIPE_WEBHOOK_SECRET: first('stripe'),
  RESEND_WEBHOOK_SECRET: first('standard-webhooks'),
  TYPEFORM_SECRET: first('typeform'),
  SHOPIFY_WEBHOOK_SECRET: first('shopify'),
  GITHUB_WEBHOOK_SECRET: first('github'),
  META_APP_SECRET: first('meta'),
  META_VERIFY_TOKEN: 'meta-verify',
  CALENDLY_SIGNING_KEY: first('calendly'),
  CALCOM_WEBHOOK_SECRET: first('cal-com'),
  WEBFLOW_WEBHOOK_SECRET: first('webflow'),
  HUBSPOT_CLIENT_SECRET: first('hubspot-v3'),
  TALLY_SIGNING_SECRET: first('tally'),
  JOTFORM_KEY: 'jotform-key-123',
  WEBSITE_SECRET: 'website-secret-1',
}
/** which test signer signs each example source */
const signerOf: Record<string, string> = {
  stripe: 'stripe',
  resend: 'standard-webhooks',
  typeform: 'typeform',
  shopify: 'shopify',
  github: 'github',
  'meta-leads': 'meta',
  calendly: 'calendly',
  'cal-com': 'cal-com',
  webflow: 'webflow',
  hubspot: 'hubspot-v3',
  tally: 'tally',
  highlevel: 'highlevel',
}

t.test(
  'examples/senders: the config loads, and every sample payload, signed as its sender signs, is accepted with tags',
  async (t) => {
    const config = loadConfigFile(join(dir, 'tagrelay.yaml'), { env })
    config.store.url = `sqlite:${join(tempDir(t), 'senders.db')}`
    // HighLevel signs with its private key; the test swaps in its own key pair
    config.sources.highlevel!.verify = sourceSchema.parse({
      location: 'main',
      verify: senders.highlevel!.verify,
    }).verify
    const hlBody = readFileSync(join(dir, 'payloads/highlevel.json'), 'utf8').trim()
    const now = Date.parse((JSON.parse(hlBody) as { timestamp: string }).timestamp)
    const sources = createSourceRegistry(config.sources, { now: () => now, publicUrl: config.server.publicUrl })
    const store = await openStore({ url: config.store.url })
    const logs = captureLogs()
    const app = await buildApp({
      config,
      store,
      sources,
      rules: () => compileRules(config.rules),
      logger: createLogger({ level: 'debug', stream: logs.stream }),
    })
    t.teardown(async () => {
      await app.close()
      await store.close()
    })

    t.same(
      Object.keys(config.sources).sort(),
      [...Object.keys(signerOf), 'jotform', 'website'].sort(),
      'every sender has a source',
    )
    for (const [source, signer] of Object.entries(signerOf)) {
      const body = readFileSync(join(dir, `payloads/${source}.json`), 'utf8').trim()
      const url = source === 'hubspot' ? '/hooks/hubspot' : `/hooks/${source}`
      const sign = source === 'hubspot' ? { ...senders[signer]!, url } : senders[signer]!
      let headers = await sign.sign(body, now / 1000)
      if (source === 'hubspot') {
        const { createHmac } = await import('node:crypto')
        const ts = String(now)
        headers = {
          'x-hubspot-request-timestamp': ts,
          'x-hubspot-signature-v3': createHmac('sha256', env.HUBSPOT_CLIENT_SECRET)
            .update(`POST${config.server.publicUrl}${url}${body}${ts}`)
            .digest('base64'),
        }
      }
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...headers },
        payload: body,
      })
      t.equal(res.statusCode, 202, `${source}: ${res.body}`)
      t.ok((res.json().tags as string[]).length > 0, `${source}: a rule matched`)
    }

    const jot = readFileSync(join(dir, 'payloads/jotform.urlencoded'), 'utf8').trim()
    const jr = await app.inject({
      method: 'POST',
      url: '/hooks/jotform?key=jotform-key-123',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: jot,
    })
    t.same([jr.statusCode, jr.json().tags], [202, ['jotform-lead']], 'jotform: rawRequest merged')

    const web = readFileSync(join(dir, 'payloads/website.json'), 'utf8').trim()
    const { createHmac } = await import('node:crypto')
    const ts = String(Math.floor(now / 1000))
    const sig = `sha256=${createHmac('sha256', env.WEBSITE_SECRET).update(`${ts}.${web}`).digest('hex')}`
    const wr = await app.inject({
      method: 'POST',
      url: '/hooks/website',
      headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': sig },
      payload: web,
    })
    t.same([wr.statusCode, wr.json().tags], [202, ['website-signup']], 'website: generic hmac')
  },
)
