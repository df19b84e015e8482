import { api, badge, boot, code, fail, filterForm, focusResults, h, say, time, who } from '../core.js'

// Events, newest first, filtered through GET /admin/events; "Older events" follows the
// keyset cursor, and the first page is fetched again every few seconds so new events
// appear on top while the page is open. Filters offer the names the API knows
// (GET /admin/suggestions), apply without a page load, and warn about unknown names.
// A banner says when a source's requests are being refused (GET /admin/refused/recent).
const STATUSES = ['', 'done', 'pending', 'dead', 'none']
const LIVE_MS = 4000
const HEADERS = ['Received', 'Contact', 'Location', 'Source', 'Tags', 'Status', 'Jobs']

function banner(recent) {
  if (!recent.sources.length) return null
  return h(
    'div',
    { class: 'banner', role: 'alert' },
    recent.sources.map((s) =>
      h(
        'p',
        {},
        `${s.count} ${s.source} request${s.count === 1 ? '' : 's'} refused since `,
        time(s.firstAt),
        ': ',
        s.code === 'TAGRELAY_BAD_SIGNATURE'
          ? 'signature changed? '
          : s.code === 'TAGRELAY_BAD_TOKEN'
            ? 'token changed? '
            : '',
        h(
          'a',
          { href: `/console/refused?source=${encodeURIComponent(s.source)}&status=refused` },
          `See the refused ${s.source} requests`,
        ),
        ' ',
        h('small', {}, code(s.code)),
      ),
    ),
  )
}

boot(async (root) => {
  const [names, recent] = await Promise.all([
    api('GET', '/admin/suggestions'),
    api('GET', '/admin/refused/recent?minutes=1440'),
  ])
  const fields = [
    ['contact', 'Contact (email, phone or id)', 'text'],
    ['source', 'Source', 'text', names.sources],
    ['location', 'Location', 'text', names.locations],
    ['rule', 'Rule', 'text', names.rules.map((r) => r.name)],
    [
      'ruleOutcome',
      'The rule',
      'text',
      {
        select: [
          ['', 'matched'],
          ['missed', 'did not match'],
        ],
      },
    ],
    ['tag', 'Tag', 'text', names.tags],
    ['since', 'From', 'datetime-local'],
    ['until', 'Until', 'datetime-local'],
  ]
  const filters = filterForm('Filter events', fields, STATUSES, '/console/events', (p, focus) => reload(p, focus))
  const body = h('tbody')
  const caption = h('caption', {}, 'Events, newest first')
  const tableEl = h(
    'table',
    { class: 'cards' },
    caption,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        HEADERS.map((x) => h('th', { scope: 'col' }, x)),
      ),
    ),
    body,
  )
  const list = h('div', { class: 'scroll', role: 'region', 'aria-label': 'Events', tabindex: 0 }, tableEl)
  const whyNo = h('div', { id: 'why-no' })
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(cursor).catch(fail) }, 'Older events')
  root.append(
    banner(recent) ?? '',
    h('div', { class: 'filter-bar' }, filters.toggle),
    filters.form,
    filters.warnings,
    whyNo,
    list,
    h('p', {}, more),
  )

  let cursor = null
  let shown = new Set()
  let params = filters.params()

  function query(p, extra = {}) {
    const q = new URLSearchParams()
    for (const [k, v] of p) if (v) q.set(k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v)
    for (const [k, v] of Object.entries(extra)) q.set(k, v)
    return q
  }
  const link = (e) => {
    const tag = params.get('tag')
    return `/console/events/${encodeURIComponent(e.id)}${tag ? `?tag=${encodeURIComponent(tag)}` : ''}`
  }
  const cell = (i, ...content) => h('td', { 'data-label': HEADERS[i] }, ...content)
  const row = (e) =>
    h(
      'tr',
      {},
      cell(0, h('a', { href: link(e) }, time(e.receivedAt))),
      cell(1, who(e.contact)),
      cell(2, e.location ?? '—'),
      cell(3, e.source),
      cell(
        4,
        e.tags.length || e.removed?.length
          ? [
              e.tags.map((t) => [code(t), ' ']),
              e.removed?.length ? ['removed ', e.removed.map((t) => [code(t), ' '])] : '',
            ]
          : '—',
      ),
      cell(5, badge(e.status)),
      cell(6, String(e.jobCount)),
    )

  // a tag filter that finds nothing: the same events without it, each asking "why no <tag>?"
  async function whyNoTag(p) {
    whyNo.replaceChildren()
    const tag = p.get('tag')
    if (!tag || shown.size > 0) return
    const without = new URLSearchParams(p)
    without.delete('tag')
    const page = await api('GET', `/admin/events?${query(without, { limit: 10 })}`)
    if (!page.events.length || params !== p) return
    whyNo.append(
      h('h2', {}, 'Why no ', code(tag), '?'),
      h('p', {}, 'No event here asked for it. Ask one of these why:'),
      h(
        'ul',
        {},
        page.events.map((e) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: `/console/events/${encodeURIComponent(e.id)}?tag=${encodeURIComponent(tag)}` },
              'Why no ',
              code(tag),
              '?',
            ),
            ' ',
            who(e.contact),
            ', ',
            e.source,
            ', ',
            time(e.receivedAt),
          ),
        ),
      ),
    )
  }

  let generation = 0
  async function load(after, mine = generation) {
    const page = await api('GET', `/admin/events?${query(params, { limit: 50, ...(after ? { cursor: after } : {}) })}`)
    if (mine !== generation) return false // a newer filter replaced this one meanwhile
    filters.showWarnings(page.warnings)
    for (const e of page.events) {
      if (shown.has(e.id)) continue
      shown.add(e.id)
      body.append(row(e))
    }
    cursor = page.nextCursor
    more.hidden = !cursor
    if (shown.size === 0)
      say(`No event matches these filters.${page.warnings?.length ? ` ${page.warnings.join('; ')}.` : ''}`)
    else say(`${shown.size} events shown${cursor ? '; more below' : ''}.`)
    return true
  }

  async function reload(p, focus) {
    params = p
    const mine = ++generation
    shown = new Set()
    body.replaceChildren()
    if (!(await load(null, mine))) return
    await whyNoTag(p)
    if (mine !== generation) return
    if (focus) focusResults(whyNo.firstChild ? whyNo : list)
  }

  async function refresh() {
    if (params.get('until')) return
    try {
      const mine = generation
      const page = await api('GET', `/admin/events?${query(params, { limit: 50 })}`)
      if (mine !== generation) return
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
  await whyNoTag(params)
  setInterval(refresh, LIVE_MS)
})
