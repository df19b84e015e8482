import { api, badge, boot, code, fail, filterForm, h, say, time } from '../core.js'

// Events, newest first, filtered through GET /admin/events; "Older events" follows the
// keyset cursor, and the first page is fetched again every few seconds so new events
// appear on top while the page is open.
const FIELDS = [
  ['contact', 'Contact (email, phone or id)', 'text'],
  ['source', 'Source', 'text'],
  ['location', 'Location', 'text'],
  ['rule', 'Rule', 'text'],
  ['tag', 'Tag', 'text'],
  ['since', 'From', 'datetime-local'],
  ['until', 'Until', 'datetime-local'],
]
const STATUSES = ['', 'done', 'pending', 'dead', 'none']
const LIVE_MS = 4000

boot(async (root) => {
  const { form, params } = filterForm('Filter events', FIELDS, STATUSES, '/console/events')
  const body = h('tbody')
  const list = h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': 'Events', tabindex: 0 },
    h(
      'table',
      {},
      h('caption', {}, 'Events, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Received', 'Source', 'Tags', 'Status', 'Jobs'].map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      body,
    ),
  )
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(cursor) }, 'Older events')
  root.append(form, list, h('p', {}, more))

  let cursor = null
  const shown = new Set()

  function query(extra = {}) {
    const q = new URLSearchParams()
    for (const [k, v] of params) if (v) q.set(k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v)
    for (const [k, v] of Object.entries(extra)) q.set(k, v)
    return q
  }
  const row = (e) =>
    h(
      'tr',
      {},
      h('td', {}, h('a', { href: `/console/events/${encodeURIComponent(e.id)}` }, time(e.receivedAt))),
      h('td', {}, e.source),
      h(
        'td',
        {},
        e.tags.length || e.removed?.length
          ? [
              e.tags.map((t) => [code(t), ' ']),
              e.removed?.length ? ['removed ', e.removed.map((t) => [code(t), ' '])] : '',
            ]
          : '—',
      ),
      h('td', {}, badge(e.status)),
      h('td', {}, String(e.jobCount)),
    )

  async function load(after) {
    const page = await api('GET', `/admin/events?${query({ limit: 50, ...(after ? { cursor: after } : {}) })}`)
    for (const e of page.events) {
      if (shown.has(e.id)) continue
      shown.add(e.id)
      body.append(row(e))
    }
    cursor = page.nextCursor
    more.hidden = !cursor
    if (shown.size === 0) say('No event matches these filters.')
    else say(`${shown.size} events shown${cursor ? '; more below' : ''}.`)
  }

  async function refresh() {
    if (params.get('until')) return
    try {
      const page = await api('GET', `/admin/events?${query({ limit: 50 })}`)
      const fresh = page.events.filter((e) => !shown.has(e.id))
      for (const e of fresh.reverse()) {
        shown.add(e.id)
        body.prepend(row(e))
      }
      if (fresh.length > 0) say(`${fresh.length} new event${fresh.length > 1 ? 's' : ''} arrived.`)
    } catch (err) {
      fail(err)
    }
  }

  await load(null)
  setInterval(refresh, LIVE_MS)
})
