import { api, badge, boot, code, fail, fill, focusResults, h, say, time } from '../core.js'

// Every HighLevel location (GET /admin/locations) as one sortable, paged table: those
// held back or failing first (the API's `attention` order), then those with dead letters.
// Counts link to the filtered events and dead letters; the held-back and auth reasons are
// in words. An agency may have thousands: 100 a page, a name search, the sort in the URL.
const PAGE = 100
const COLUMNS = [
  ['name', 'Location'],
  ['attention', 'State'],
  ['pending', 'Pending'],
  ['dead', 'Dead'],
  ['oldest', 'Oldest pending'],
  [null, 'Why / auth'],
  [null, 'Rate budget'],
]

const loc = encodeURIComponent

function state(l) {
  if (l.disabled) return badge('disabled')
  if (l.paused) return badge('held back')
  if (l.auth.failingSince) return badge('failing')
  return badge('delivering')
}

function why(l) {
  const parts = []
  if (l.pausedReason) parts.push(h('p', {}, l.pausedReason))
  if (l.auth.failingSince)
    parts.push(
      h(
        'p',
        {},
        l.auth.reason ?? l.auth.state,
        ' (failing since ',
        time(l.auth.failingSince),
        ') ',
        h('small', {}, code(l.auth.lastError.code)),
      ),
    )
  else parts.push(h('p', { class: 'help' }, `${l.auth.type}: ${l.auth.state}`))
  if (/refused/.test(l.lookups)) parts.push(h('p', { class: 'help' }, l.lookups))
  if (l.reconnectUrl && (l.auth.failingSince || l.state !== 'active'))
    parts.push(h('p', {}, h('a', { href: l.reconnectUrl }, `Reconnect ${l.name}`)))
  return parts
}

function row(l) {
  const rl = l.rateLimit
  const cell = (i, ...c) => h('td', { 'data-label': COLUMNS[i][1] }, ...c)
  return h(
    'tr',
    {},
    cell(0, h('strong', {}, l.name), h('br'), h('small', {}, code(l.locationId))),
    cell(1, state(l)),
    cell(
      2,
      l.queue.pending
        ? h('a', { href: `/console/events?location=${loc(l.name)}&status=pending` }, String(l.queue.pending))
        : '0',
    ),
    cell(
      3,
      l.queue.dead ? h('a', { href: `/console/dead-letters?location=${loc(l.name)}` }, String(l.queue.dead)) : '0',
    ),
    cell(4, l.queue.oldestPendingAt ? time(l.queue.oldestPendingAt) : 'none'),
    cell(5, why(l)),
    cell(
      6,
      rl
        ? `${rl.remaining ?? '?'} of ${rl.max ?? '?'} now; ${rl.dailyRemaining ?? '?'} of ${rl.dailyLimit ?? '?'} today`
        : 'not seen yet',
    ),
  )
}

const params = new URLSearchParams(location.search)
const pageQuery = (sort, order, q, after) => {
  const u = new URLSearchParams({ limit: String(PAGE), sort, order })
  if (q) u.set('q', q)
  if (after) u.set('after', after)
  return `/admin/locations?${u}`
}
// the first page is asked for while the session is checked, not after: one round trip less
let early = api(
  'GET',
  pageQuery(params.get('sort') ?? 'attention', params.get('order') ?? 'asc', params.get('q') ?? '', undefined),
).catch(() => null)

boot(async (root) => {
  let sort = params.get('sort') ?? 'attention'
  let order = params.get('order') ?? 'asc'
  let q = params.get('q') ?? ''
  const pages = [undefined] // the `after` of each page seen
  let at = 0
  const view = h('div')
  const search = h('input', { id: 'loc-q', type: 'search', value: q, autocomplete: 'off' })
  const form = h(
    'form',
    { class: 'filters ask', role: 'search', 'aria-label': 'Find a location' },
    h('p', {}, h('label', { for: 'loc-q' }, 'Name contains'), search),
    h('p', { class: 'buttons' }, h('button', { type: 'submit' }, 'Find')),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    q = search.value.trim()
    pages.length = 1
    at = 0
    load(true).catch(fail)
  })
  root.append(form, view)

  async function load(focus) {
    history.replaceState(null, '', `?${new URLSearchParams({ sort, order, ...(q ? { q } : {}) })}`)
    const first = early ? await early : null
    early = null
    const page = first ?? (await api('GET', pageQuery(sort, order, q, pages[at])))
    if (page.next) pages[at + 1] = page.next
    const header = ([key, label]) => {
      if (!key) return h('th', { scope: 'col' }, label)
      const active = key === sort
      return h(
        'th',
        { scope: 'col', 'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : undefined },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            onclick: () => {
              order = active && order === 'asc' ? 'desc' : 'asc'
              sort = key
              pages.length = 1
              at = 0
              load(true).catch(fail)
            },
          },
          label,
          active ? (order === 'asc' ? ' ▲' : ' ▼') : '',
        ),
      )
    }
    const region = h(
      'div',
      { class: 'scroll', role: 'region', 'aria-label': 'Locations', tabindex: 0 },
      h(
        'table',
        { class: 'cards' },
        h('caption', {}, sort === 'attention' ? 'Locations, those needing attention first' : `Locations by ${sort}`),
        h('thead', {}, h('tr', {}, COLUMNS.map(header))),
        h('tbody', {}, page.locations.map(row)),
      ),
    )
    const from = at * PAGE + 1
    const nav = h(
      'p',
      { class: 'buttons pager' },
      h(
        'button',
        { type: 'button', disabled: at === 0, onclick: () => ((at -= 1), load(true).catch(fail)) },
        'Previous',
      ),
      ` ${page.locations.length ? `${from}–${from + page.locations.length - 1}` : '0'} of ${page.total} `,
      h('button', { type: 'button', disabled: !page.next, onclick: () => ((at += 1), load(true).catch(fail)) }, 'Next'),
    )
    fill(
      view,
      page.total === 0
        ? h('p', {}, q ? `No location name contains "${q}".` : 'No location is configured.')
        : [region, nav],
    )
    say(
      `Locations ${page.locations.length ? `${from} to ${from + page.locations.length - 1}` : 'none'} of ${page.total}.`,
    )
    if (focus) focusResults(region)
  }
  await load(false)
})
