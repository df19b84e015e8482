import { app, h, say } from '../core.js'
import { postForSession } from '../open-session.js'

// A portal link: /console/portal#<secret>. The secret is in the fragment, which the
// browser never sends to a server, so no access log sees it. It is taken out of the
// address bar at once (history, a shared screen), then exchanged once for a session cookie.
const secret = location.hash.slice(1)
history.replaceState(null, '', location.pathname)

const MESSAGES = {
  TAGRELAY_PORTAL_LINK_USED: 'This link was already used. A portal link opens the console once: ask for a new one.',
  TAGRELAY_PORTAL_LINK_EXPIRED: 'This link has expired. Ask for a new one.',
  TAGRELAY_PORTAL_LINK_REVOKED: 'This link was revoked. Ask for a new one.',
  TAGRELAY_PORTAL_LINK_UNKNOWN: 'This link is not valid (was it copied whole?). Ask for a new one.',
}

async function exchange() {
  if (!secret) return show('This page opens the console from a portal link, and this address has none.')
  say('Opening the console…')
  const { res, json: body } = await postForSession('/admin/portal-links/exchange', { secret }, 'same-origin')
  if (res.ok) return location.replace('/console/events')
  show(MESSAGES[body?.code] ?? body?.message ?? `The link could not be used (HTTP ${res.status}).`)
}

function show(text) {
  say('')
  app().append(h('p', { class: 'card', id: 'portal-message', role: 'alert' }, text))
}

exchange().catch((err) => show(String(err)))
