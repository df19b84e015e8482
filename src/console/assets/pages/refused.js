import { action, api, badge, boot, code, fail, filterForm, h, pre, say, table, time } from '../core.js'

// Requests refused for a bad or missing signature or token, kept for a second look
// (GET /admin/refused). Inspect shows what was kept (credentials only as hashes);
// Re-verify checks the stored bytes with the secrets configured now, at the original
// receipt time, and accepts the request as an event of the same id when it now verifies.
const FIELDS = [
  ['source', 'Source'],
  ['code', 'Code'],
]
const STATUSES = ['', 'refused', 'accepted']

boot(async (root) => {
  const { form, params } = filterForm('Filter refused requests', FIELDS, STATUSES, '/console/refused')
  const list = h('div')
  const detail = h('section', { 'aria-live': 'polite', 'aria-label': 'Refused request' })
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(cursor) }, 'Older requests')
  root.append(form, list, h('p', {}, more), detail)
  let cursor = null
  const rows = []

  async function inspect(r) {
    const kept = await api('GET', `/admin/refused/${encodeURIComponent(r.id)}`)
    detail.replaceChildren(
      h('h2', {}, `Request ${kept.id}`),
      h('p', {}, `${kept.method} ${kept.url}: refused with `, code(kept.code), ' at ', time(kept.receivedAt)),
      h('h3', {}, 'Headers (credentials redacted)'),
      pre(kept.headers),
      h('h3', {}, `Body (${kept.bodyEncoding})`),
      pre(kept.body),
    )
    detail.querySelector('h2').setAttribute('tabindex', '-1')
    detail.querySelector('h2').focus()
  }

  async function reverify(r) {
    try {
      const result = await api('POST', `/admin/refused/${encodeURIComponent(r.id)}/reverify`, {})
      say(`Re-verified and accepted as event ${result.eventId}: tags ${result.tags.join(', ') || 'none'}.`)
      detail.replaceChildren(
        h('p', {}, h('a', { href: `/console/events/${encodeURIComponent(result.eventId)}` }, 'Open the event')),
      )
      r.status = 'accepted'
      render()
    } catch (err) {
      fail(err)
    }
  }

  function render() {
    list.replaceChildren(
      table(
        'Refused requests, newest first',
        ['Received', 'Source', 'Code', 'Contacts', 'Bytes', 'Status', 'Actions'],
        rows.map((r) => [
          time(r.receivedAt),
          r.source,
          code(r.code),
          r.contacts.length ? r.contacts.join(', ') : '—',
          String(r.bytes),
          [badge(r.status), r.reverifyCode ? [' last try: ', code(r.reverifyCode)] : null],
          [
            h('button', { type: 'button', onclick: () => inspect(r).catch(fail) }, 'Inspect'),
            ' ',
            r.status === 'refused' ? action('Re-verify', () => reverify(r)) : null,
          ],
        ]),
      ),
    )
  }

  async function load(after) {
    const q = new URLSearchParams()
    for (const [k, v] of params) if (v) q.set(k, v)
    q.set('limit', '50')
    if (after) q.set('cursor', after)
    const page = await api('GET', `/admin/refused?${q}`)
    rows.push(...page.items)
    cursor = page.nextCursor
    more.hidden = !cursor
    render()
    say(rows.length === 0 ? 'No refused request is kept for these filters.' : `Refused requests shown: ${rows.length}.`)
  }

  await load(null)
})
