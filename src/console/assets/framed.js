// The console framed in HighLevel (a Custom Page). Its session comes from HighLevel's user
// context: the page asks the parent window for it, only an allowed parent origin's answer
// counts, and the encrypted payload goes to tagrelay's back end, which decrypts it and
// answers a short session for the `Authorization: Session` header. A third-party frame's
// cookies are blocked or partitioned, so none is used: the session lives in memory, and in
// this tab's sessionStorage when the browser allows it. Chromium with third-party cookies
// blocked denies a third-party frame its storage too, so there each page load asks
// HighLevel again (one message and one sign-in per page). Nothing here decrypts anything.

import { postForSession } from './open-session.js'

const KEY = 'tagrelay.highlevel.session'
const ANSWER_MS = 10_000
let memory = null

function stored(op, value) {
  try {
    if (op === 'get') return sessionStorage.getItem(KEY)
    if (op === 'set') sessionStorage.setItem(KEY, value)
    else sessionStorage.removeItem(KEY)
  } catch {
    // storage refused in a third-party frame: memory only, HighLevel is asked on each page
  }
  return null
}

export const framedSession = () => memory ?? (memory = stored('get'))

export function forgetSession() {
  memory = null
  stored('remove')
}

/** A refusal shown in the frame instead of the console. */
export class Refusal extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

/** The parent's answer to REQUEST_USER_DATA, from an allowed origin only. */
function askParent(origins) {
  return new Promise((resolve, reject) => {
    if (window.parent === window)
      return reject(new Refusal('NOT_FRAMED', 'This page opens inside HighLevel, from the tagrelay entry of its menu.'))
    const done = (fn, value) => {
      clearTimeout(timer)
      window.removeEventListener('message', onMessage)
      fn(value)
    }
    const timer = setTimeout(
      () => done(reject, new Refusal('NO_ANSWER', 'HighLevel did not say who you are: reload the page.')),
      ANSWER_MS,
    )
    function onMessage(e) {
      if (e.source !== window.parent || !origins.includes(e.origin)) return
      const data = e.data
      if (data?.message !== 'REQUEST_USER_DATA_RESPONSE' || typeof data.payload !== 'string') return
      done(resolve, data.payload)
    }
    window.addEventListener('message', onMessage)
    window.parent.postMessage({ message: 'REQUEST_USER_DATA' }, '*')
  })
}

/** Asks HighLevel who the user is and opens a session with it; throws a Refusal. */
export async function signInFromHighLevel() {
  forgetSession()
  const origins = (document.body.dataset.parentOrigins ?? '').split(' ').filter(Boolean)
  const payload = await askParent(origins)
  const { res, json } = await postForSession('/admin/sso/highlevel', { payload }, 'omit')
  if (!res.ok || typeof json?.session !== 'string')
    throw new Refusal(json?.code ?? `HTTP ${res.status}`, json?.message ?? 'tagrelay refused the sign-in.')
  memory = json.session
  stored('set', json.session)
  return json
}

/** The refusal, and nothing else: no navigation, no data. */
export function showRefusal(err) {
  forgetSession()
  document.querySelector('header')?.remove()
  document.getElementById('title').textContent = 'tagrelay cannot open here'
  const code = document.createElement('code')
  code.textContent = err.code ?? 'ERROR'
  const why = document.createElement('p')
  why.textContent = err.message
  const which = document.createElement('p')
  which.append('Code: ', code)
  const app = document.getElementById('app')
  app.className = 'refusal'
  app.replaceChildren(why, which)
  document.getElementById('status').textContent = ''
}
