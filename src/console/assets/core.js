// The console's shared helpers: the admin API with the session cookie and its CSRF token,
// DOM building that only ever sets text (nothing from an event becomes markup), and the
// page boot (who is signed in, sign-out). Each page module imports this one.

let session = null

export const $ = (sel, root = document) => root.querySelector(sel)
export const app = () => $('#app')

/** An element: attributes (`on*` become listeners), then children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
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

/** One admin API call; a missing or expired session goes to the sign-in page. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && session?.csrfToken) headers['x-csrf-token'] = session.csrfToken
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.status === 401 && path !== '/admin/session') {
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

export const fail = (err) => say(err instanceof ApiError ? `${err.message}` : String(err), 'error')

export function time(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  return h('time', { datetime: iso, title: iso }, d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC')
}

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
      {},
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
            r.map((c) => h('td', {}, c ?? '—')),
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

/**
 * A list page's filter form, its values from and back to the URL: text (or other input)
 * fields `[name, label, type]`, an optional status select, Filter and Clear.
 */
export function filterForm(label, fields, statuses, clearHref) {
  const params = new URLSearchParams(location.search)
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': label },
    fields.map(([name, text, type = 'text']) =>
      h(
        'p',
        {},
        h('label', { for: `f-${name}` }, text),
        h('input', { id: `f-${name}`, name, type, value: params.get(name) ?? '' }),
      ),
    ),
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
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const q = new URLSearchParams()
    for (const [k, v] of new FormData(form)) if (v) q.set(k, String(v))
    location.search = q.toString()
  })
  return { form, params }
}

/** Runs a page once the session is known: fills the header, wires sign-out. */
export async function boot(render) {
  try {
    session = await api('GET', '/admin/session')
  } catch (err) {
    if (err.status === 401) {
      location.assign(`/console/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`)
      return
    }
    return fail(err)
  }
  $('#who').textContent = session.role === 'viewer' ? 'Viewer (read-only)' : 'Admin'
  $('#sign-out').addEventListener('click', async () => {
    await api('DELETE', '/admin/session').catch(() => null)
    location.assign('/console/sign-in')
  })
  try {
    await render(app())
  } catch (err) {
    fail(err)
  }
}
