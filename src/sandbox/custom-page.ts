import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { SandboxInstalls } from './installs.js'
import { DEFAULT_COMPANY, DEFAULT_LOCATION } from './installs.js'

export const CUSTOM_PAGE_PATHS = new Set(['/custom-page', '/custom-page.js'])

/** The users the page can play, as HighLevel describes them in a user context. */
const USERS = {
  'agency-admin': { role: 'admin', type: 'agency', inLocation: false },
  'location-user': { role: 'user', type: 'account', inLocation: true },
  'location-admin': { role: 'admin', type: 'account', inLocation: true },
} as const

/** HighLevel's side of the user context: OpenSSL's salted AES-256-CBC, key and IV by EVP_BytesToKey (MD5). */
export function encryptUserContext(plaintext: string, secret: string): string {
  const salt = randomBytes(8)
  let derived = Buffer.alloc(0)
  let block = Buffer.alloc(0)
  while (derived.length < 48) {
    block = createHash('md5')
      .update(Buffer.concat([block, Buffer.from(secret, 'utf8'), salt]))
      .digest()
    derived = Buffer.concat([derived, block])
  }
  const cipher = createCipheriv('aes-256-cbc', derived.subarray(0, 32), derived.subarray(32, 48))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([Buffer.from('Salted__', 'latin1'), salt, body]).toString('base64')
}

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

// The parent's script: answers the framed page's REQUEST_USER_DATA with the payload, to the
// target's origin only, as HighLevel's app does for a Custom Page.
const SCRIPT = `const { targetOrigin, payload } = document.body.dataset
const frame = document.querySelector('iframe')
window.addEventListener('message', (e) => {
  if (e.source !== frame.contentWindow || e.origin !== targetOrigin) return
  if (e.data?.message !== 'REQUEST_USER_DATA') return
  frame.contentWindow.postMessage({ message: 'REQUEST_USER_DATA_RESPONSE', payload }, targetOrigin)
  document.body.dataset.answered = String(Number(document.body.dataset.answered ?? 0) + 1)
})
`

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(body)
}

/**
 * `GET /custom-page?user=agency-admin|location-user|location-admin&location=&company=&target=`:
 * HighLevel's window around a Custom Page. It frames `target` (tagrelay's
 * `/console/highlevel`) and answers its REQUEST_USER_DATA with a user context encrypted
 * with the sandbox's `sharedSecret` for the chosen user (`location` defaults to
 * sandboxLocation00001, `company` to the location's company); `payload=` sends that
 * payload as given instead (a test's own). Its policy frames the target's origin only.
 */
export function customPageRoute(
  res: ServerResponse,
  url: URL,
  deps: { installs: SandboxInstalls; sharedSecret: string | undefined },
): number {
  if (url.pathname === '/custom-page.js') {
    send(res, 200, 'text/javascript; charset=utf-8', SCRIPT)
    return 200
  }
  const q = url.searchParams
  const fail = (message: string) => (send(res, 400, 'text/plain; charset=utf-8', `${message}\n`), 400)
  let target: URL
  try {
    target = new URL(q.get('target') ?? '')
  } catch {
    return fail('target= must be the URL of the framed page (http://127.0.0.1:8080/console/highlevel)')
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return fail('target= must be http or https')
  const userName = q.get('user') ?? 'location-user'
  const user = USERS[userName as keyof typeof USERS]
  if (user === undefined) return fail(`user= is one of ${Object.keys(USERS).join(', ')}`)
  let payload = q.get('payload')
  const locationId = q.get('location') ?? DEFAULT_LOCATION
  const companyId = q.get('company') ?? deps.installs.location(locationId)?.companyId ?? DEFAULT_COMPANY
  if (payload === null) {
    if (deps.sharedSecret === undefined)
      return fail('the sandbox has no shared secret (--shared-secret): pass payload=')
    const context = {
      userId: `sandboxUser${userName.replace(/-/g, '')}`.slice(0, 24),
      companyId,
      role: user.role,
      type: user.type,
      ...(user.inLocation ? { activeLocation: locationId } : {}),
      userName: `Sandbox ${userName}`,
      email: `${userName}@sandbox.example`,
      ...(user.type === 'agency' ? { isAgencyOwner: false } : {}),
    }
    payload = encryptUserContext(JSON.stringify(context), deps.sharedSecret)
  }
  const where = user.inLocation ? `sub-account ${locationId}` : 'the agency view'
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>HighLevel sandbox: Custom Page</title>
<script src="/custom-page.js" defer></script>
</head>
<body data-target-origin="${escape(target.origin)}" data-payload="${escape(payload)}">
<main>
<h1>HighLevel sandbox: ${escape(userName)} of company ${escape(companyId)}, in ${escape(where)}</h1>
<iframe src="${escape(target.href)}" title="tagrelay" width="1180" height="820"></iframe>
</main>
</body>
</html>
`
  const csp = `default-src 'none'; script-src 'self'; frame-src ${target.origin}; base-uri 'none'; frame-ancestors 'none'`
  send(res, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': csp })
  return 200
}
