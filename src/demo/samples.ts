import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The repository's examples/ folder, found from src/demo or dist/demo alike. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url))

export const DEMO_LOCATION_ID = 've9EPM428h8vShlRW1KT'

/** Contacts the demo seeds into the sandbox before posting events. */
export const DEMO_CONTACTS = [
  { email: 'ada@example.com', firstName: 'Ada' },
  { email: 'grace@example.com', firstName: 'Grace' },
  { id: 'kJ7nQ2xW4pL9mR3tV6yZ', email: 'katherine@example.com', firstName: 'Katherine' },
]

export interface SampleEvent {
  source: string
  file: string
  /** the environment variable holding that source's token in examples/demo.yaml */
  tokenVar: string
}

export const DEMO_EVENTS: SampleEvent[] = [
  { source: 'typeform', file: 'payloads/typeform.json', tokenVar: 'TYPEFORM_TOKEN' },
  { source: 'website', file: 'payloads/website-signup.json', tokenVar: 'WEBSITE_TOKEN' },
  { source: 'shop', file: 'payloads/shop-order.json', tokenVar: 'SHOP_TOKEN' },
]

export function readExample(file: string): string {
  return readFileSync(new URL(file, new URL('../../examples/', import.meta.url)), 'utf8')
}
