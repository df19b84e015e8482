// The console's shared helpers: the admin API with the session cookie and its CSRF token,
// DOM building that only ever sets text (nothing from an event becomes markup), times in
// the reader's zone, the filter form, following a job, and the page boot (who is signed
// in, sign-out). Framed in HighLevel (`/console/highlevel/...`, framed.js) the session is
// a header, not the cookie, and links stay under that prefix. Each page module imports this one. Over 300 lines as one piece on
// purpose: it is the one module every page preloads, and splitting it would add a
// round trip to every page's first paint.

let session = null
/** framed in HighLevel: framed.js, loaded by boot() only there */
const FRAMED = document.body.dataset.framed === 'true'
let framed = null
/** set on sign-out: a call its end refuses (401) must not send the page to sign-in a second time */
let signingOut = false

/** A console path as this page reaches it: under /console/highlevel when framed in HighLevel. */
export function consolePath(path) {
  if (!FRAMED || !path.startsWith('/console/') || /^\/console\/(highlevel|assets)(\/|$|\?)/.test(path)) return path
  return `/console/highlevel/${path.slice('/console/'.length)}`
}

export const $ = (sel, root = document) => root.querySelector(sel)
export const app = () => $('#app')

/** An element: attributes (`on*` become listeners), then children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else if (k === 'href') el.setAttribute(k, consolePath(String(v)))
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c)
  return el
}

/** Replaces an element's children (nulls and falses left out, as in `h`). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false))
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`)
    this.status = status
    this.code = body?.code
  }
}

/**
 * One admin API call; a missing or expired session goes to the sign-in page. Framed in
 * HighLevel the session goes as `Authorization: Session`, and an ended one is opened again
 * from HighLevel's user context once, then refused.
 */
export async function api(method, path, body, again = true) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (FRAMED) headers.authorization = `Session ${framed?.framedSession() ?? ''}`
  else if (method !== 'GET' && session?.csrfToken) headers['x-csrf-token'] = session.csrfToken
  const res = await fetch(path, {
    method,
    headers,
    credentials: FRAMED ? 'omit' : 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.status === 401 && FRAMED && framed) {
    if (!again) throw new framed.Refusal('SESSION_ENDED', 'Your session has ended: open tagrelay again from HighLevel.')
    await framed.signInFromHighLevel()
    return api(method, path, body, false)
  }
  if (res.status === 401 && path !== '/admin/session' && !signingOut) {
    location.assign(`/console/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`)
    throw new ApiError(401, { message: 'signed out' })
  }
  if (res.status === 204) return null
  const json = await res.json().catch(() => null)
  if (!res.ok) throw new ApiError(res.status, json)
  return json
}

export const isViewer = () => session?.role === 'viewer'

/** Say something to everyone, screen readers included (`#status` is a live region). */
export function say(text, kind = 'info') {
  const el = $('#status')
  el.textContent = text
  el.dataset.kind = kind
}

export const fail = (err) =>
  framed && err instanceof framed.Refusal
    ? framed.showRefusal(err)
    : say(err instanceof ApiError ? `${err.message}` : String(err), 'error')

const pad = (n) => String(n).padStart(2, '0')
const zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
const zoneName = (d) => zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? ''

/** A time as the reader's clock shows it: `2026-05-01 09:02:11 EDT` (what From and Until take). */
export function localText(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneName(d)}`.trim()
}

/** "3 min ago" for the last day, else null. */
export function relative(d, now = Date.now()) {
  const s = Math.round((now - d.getTime()) / 1000)
  if (s < 0 || s >= 86_400) return null
  if (s < 60) return 'just now'
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  return `${Math.floor(s / 3600)} h ago`
}

/** A time in the reader's zone, UTC on hover, and how long ago when recent. */
export function time(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  const ago = relative(d)
  return h(
    'time',
    { datetime: iso, title: `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC` },
    localText(d),
    ago ? ` (${ago})` : '',
  )
}

const ISO = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/

/**
 * A sentence as text, code and time elements (never markup from the data): names in
 * backticks become code, ISO 8601 times the reader's local time (UTC on hover).
 */
export function prose(sentence) {
  return String(sentence)
    .split('`')
    .flatMap((part, i) =>
      i % 2 === 1 ? [code(part)] : part.split(ISO).map((bit, j) => (j % 2 === 1 ? time(bit) : bit)),
    )
    .filter((part) => part !== '')
}

/** Who an event or job is about, as it gave it. */
export const who = (c) => [c?.email, c?.phone, c?.id].filter(Boolean).join(', ') || '—'

export const code = (text) => h('code', {}, String(text))
export const pre = (value) =>
  h('pre', { tabindex: 0 }, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
export const badge = (status) => h('span', { class: `badge ${status}` }, status)

/** A table: headers, rows of cells; a caption names it for screen readers. */
export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      { class: 'cards' },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) => h('td', { 'data-label': headers[i] }, c ?? '—')),
          ),
        ),
      ),
    ),
  )
}

/** A button for a change: viewers see it disabled, with why. */
export function action(label, onclick, attrs = {}) {
  const viewer = isViewer()
  return h(
    'button',
    { type: 'button', ...attrs, onclick, disabled: viewer, title: viewer ? 'viewers change nothing' : undefined },
    label,
  )
}

/** A `datalist` of suggestions for a field (`list` attribute), from the data. */
export function datalist(id, values) {
  return h(
    'datalist',
    { id },
    values.map((v) => h('option', { value: v })),
  )
}

/**
 * A list page's filter form, its values from and back to the URL: fields
 * `[name, label, type, options]` (options: suggestions, or `{ select: [...] }`), an
 * optional status select, Filter and Clear. `apply(params)` re-reads the list without a
 * page load; typing applies after a pause, Filter (or Enter) applies and moves focus to
 * the results, which `say` announces. Under 40 rem the form folds behind a Filter button.
 */
export function filterForm(label, fields, statuses, clearHref, apply) {
  let params = new URLSearchParams(location.search)
  const lists = []
  const control = ([name, , type = 'text', options]) => {
    if (options?.select)
      return h(
        'select',
        { id: `f-${name}`, name },
        options.select.map(([v, t]) => h('option', { value: v, selected: (params.get(name) ?? '') === v }, t)),
      )
    const attrs = { id: `f-${name}`, name, type, value: params.get(name) ?? '', autocomplete: 'off' }
    if (Array.isArray(options) && options.length) {
      attrs.list = `l-${name}`
      lists.push(datalist(`l-${name}`, options))
    }
    if (type === 'datetime-local') attrs.step = 1
    return h('input', attrs)
  }
  const warnings = h('ul', { class: 'warnings', 'aria-live': 'polite' })
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': label, id: 'filters' },
    fields.map((f) => h('p', {}, h('label', { for: `f-${f[0]}` }, f[1]), control(f))),
    statuses
      ? h(
          'p',
          {},
          h('label', { for: 'f-status' }, 'Status'),
          h(
            'select',
            { id: 'f-status', name: 'status' },
            statuses.map((s) => h('option', { value: s, selected: params.get('status') === s }, s || 'any')),
          ),
        )
      : null,
    h('p', { class: 'buttons' }, h('button', { type: 'submit' }, 'Filter'), h('a', { href: clearHref }, 'Clear')),
    lists,
  )
  const toggle = h(
    'button',
    { type: 'button', class: 'filter-toggle', 'aria-expanded': 'false', 'aria-controls': 'filters' },
    'Filter',
  )
  toggle.addEventListener('click', () => {
    const open = form.classList.toggle('open')
    toggle.setAttribute('aria-expanded', String(open))
    if (open) form.querySelector('input, select')?.focus()
  })
  const read = () => {
    const q = new URLSearchParams()
    for (const [k, v] of new FormData(form)) if (v) q.set(k, String(v))
    return q
  }
  async function run(focus) {
    const q = read()
    if (q.toString() === params.toString() && !focus) return
    params = q
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`)
    await apply?.(params, focus)
  }
  let timer
  form.addEventListener('input', (e) => {
    if (e.target.type === 'datetime-local') return
    clearTimeout(timer)
    timer = setTimeout(() => run(false).catch(fail), 400)
  })
  form.addEventListener('change', () => {
    clearTimeout(timer)
    run(false).catch(fail)
  })
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    clearTimeout(timer)
    form.classList.remove('open')
    toggle.setAttribute('aria-expanded', 'false')
    run(true).catch(fail)
  })
  const showWarnings = (list) =>
    fill(
      warnings,
      (list ?? []).map((w) => h('li', {}, w)),
    )
  return { form, toggle, warnings, showWarnings, params: () => params }
}

/** Moves focus to a results region (after an explicit Filter), so Tab continues there. */
export function focusResults(el) {
  el.setAttribute('tabindex', '-1')
  el.focus()
}

/**
 * Follows a job after an action until it settles: asks `check` every second (it answers
 * a settled outcome or null) for up to `ms`, saying meanwhile that it is still in progress.
 */
export async function follow(check, { every = 1000, ms = 60_000, progress } = {}) {
  const end = Date.now() + ms
  for (;;) {
    const done = await check()
    if (done) return done
    if (Date.now() > end) return null
    if (progress) say(progress)
    await new Promise((r) => setTimeout(r, every))
  }
}

/** Wires sign-out, then runs a page once the session is known and fills the header. */
export async function boot(render) {
  // Wired before the session is asked for: the button is in the page from the start. A
  // click while that answer is on its way (a slow server) waits for it, since signing out
  // takes the CSRF token it carries; without it the sign-out was refused (403) and the
  // session stayed open while the page showed the sign-in form.
  let sessionKnown = () => {}
  const known = new Promise((resolve) => (sessionKnown = resolve))
  $('#sign-out')?.addEventListener('click', async () => {
    await known
    signingOut = true
    await api('DELETE', '/admin/session').catch(() => null)
    location.assign('/console/sign-in')
  })
  try {
    if (FRAMED) {
      framed = await import('./framed.js')
      if (!framed.framedSession()) await framed.signInFromHighLevel()
    }
    session = await api('GET', '/admin/session')
    sessionKnown()
  } catch (err) {
    sessionKnown()
    if (err.status === 401) {
      location.assign(`/console/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`)
      return
    }
    return fail(err)
  }
  // the scope first ("Acme Dental", a company, "All locations"), then what the role may do
  const scope = $('#scope')
  if (scope) scope.textContent = session.scopeName ?? 'All locations'
  const who = $('#who')
  if (who) who.textContent = session.role === 'viewer' ? 'Viewer (read-only)' : 'Admin'
  // alerts are the whole service's: a scoped session is not shown the page it cannot read
  if (session.scope && session.scope.kind !== 'all')
    $(`a[href="${consolePath('/console/alerts')}"]`)
      ?.closest('li')
      ?.remove()
  try {
    await render(app())
  } catch (err) {
    fail(err)
  }
}
