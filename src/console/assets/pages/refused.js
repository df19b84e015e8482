import { action, api, badge, boot, code, fail, filterForm, h, pre, say, table, time } from '../core.js'

// Requests refused for a bad or missing signature or token, kept for a second look
// (GET /admin/refused). Inspect shows what was kept (credentials only as hashes);
// Re-verify checks the stored bytes with the secrets configured now, at the original
// receipt time, and accepts the request as an event of the same id when it now verifies.
// "Re-verify all matching" counts first, asks, then re-verifies them in chunks
// (POST /admin/refused/reverify) with progress, and lists the results.
const STATUSES = ['', 'refused', 'accepted']
const CHUNK = 20

boot(async (root) => {
  const names = await api('GET', '/admin/suggestions')
  const { form, toggle, params } = filterForm(
    'Filter refused requests',
    [
      ['source', 'Source', 'text', names.sources],
      [
        'code',
        'Code',
        'text',
        [
          'TAGRELAY_BAD_SIGNATURE',
          'TAGRELAY_BAD_TOKEN',
          'TAGRELAY_MISSING_SIGNATURE',
          'TAGRELAY_MISSING_TOKEN',
          'TAGRELAY_STALE_TIMESTAMP',
        ],
      ],
    ],
    STATUSES,
    '/console/refused',
    () => reload(),
  )
  const list = h('div')
  const detail = h('section', { 'aria-live': 'polite', 'aria-label': 'Refused request' })
  const results = h('section', { 'aria-live': 'polite', 'aria-label': 'Re-verify results' })
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Re-verify progress' })
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(cursor) }, 'Older requests')
  const all = action('Re-verify all matching', () => reverifyAll().catch(fail), { id: 'reverify-all' })
  root.append(
    h('div', { class: 'filter-bar' }, toggle),
    form,
    h('p', { class: 'buttons' }, all, progress),
    results,
    list,
    h('p', {}, more),
    detail,
  )
  let cursor = null
  let rows = []

  const filter = (extra = {}) => {
    const q = new URLSearchParams()
    for (const [k, v] of params()) if (v) q.set(k, v)
    for (const [k, v] of Object.entries(extra)) q.set(k, String(v))
    return q
  }

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

  const accepted = (r, eventId) => {
    r.status = 'accepted'
    r.eventId = eventId
    r.reverifyCode = null
  }

  async function reverify(r) {
    try {
      const result = await api('POST', `/admin/refused/${encodeURIComponent(r.id)}/reverify`, {})
      say(`Re-verified and accepted as event ${result.eventId}: tags ${result.tags.join(', ') || 'none'}.`)
      detail.replaceChildren(
        h('p', {}, h('a', { href: `/console/events/${encodeURIComponent(result.eventId)}` }, 'Open the event')),
      )
      accepted(r, result.eventId)
      render()
    } catch (err) {
      if (err.code) r.reverifyCode = err.code
      render()
      fail(err)
    }
  }

  // every kept request that matches the filters and is still refused: count, ask, go
  async function reverifyAll() {
    const ids = []
    let after = null
    do {
      const page = await api(
        'GET',
        `/admin/refused?${filter({ status: 'refused', limit: 200, ...(after ? { cursor: after } : {}) })}`,
      )
      ids.push(...page.items.map((r) => r.id))
      after = page.nextCursor
    } while (after)
    if (ids.length === 0) return say('No refused request matches these filters.')
    if (!confirm(`Re-verify ${ids.length} refused request(s) with the secrets configured now?`)) return
    progress.hidden = false
    progress.max = ids.length
    progress.value = 0
    const out = []
    for (let i = 0; i < ids.length; i += CHUNK) {
      const { results: some } = await api('POST', '/admin/refused/reverify', { ids: ids.slice(i, i + CHUNK) })
      out.push(...some)
      progress.value = out.length
      say(`Re-verifying: ${out.length} of ${ids.length} done…`)
    }
    const ok = out.filter((r) => r.verified)
    const still = out.filter((r) => !r.verified)
    results.replaceChildren(
      h('h2', {}, `Re-verified ${out.length}: ${ok.length} accepted, ${still.length} still refused`),
      still.length
        ? h(
            'ul',
            {},
            still.map((r) => h('li', {}, code(r.id), `: ${r.message}`)),
          )
        : null,
    )
    say(`Re-verified ${out.length} request(s): ${ok.length} accepted, ${still.length} still refused.`)
    progress.hidden = true
    await reload()
  }

  function render() {
    list.replaceChildren(
      table(
        'Refused requests, newest first',
        ['Received', 'Contact', 'Location', 'Source', 'Why refused', 'Bytes', 'Status', 'Actions'],
        rows.map((r) => [
          time(r.receivedAt),
          r.contacts.length ? r.contacts.join(', ') : '—',
          r.location ?? '—',
          r.source,
          r.status === 'accepted' ? h('small', {}, 'was ', code(r.code)) : code(r.code),
          String(r.bytes),
          r.status === 'accepted'
            ? [
                badge('accepted'),
                ' ',
                h('a', { href: `/console/events/${encodeURIComponent(r.eventId ?? r.id)}` }, 'Open the event'),
              ]
            : [badge(r.status), r.reverifyCode ? [' last try: ', code(r.reverifyCode)] : null],
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
    const page = await api('GET', `/admin/refused?${filter({ limit: 50, ...(after ? { cursor: after } : {}) })}`)
    rows.push(...page.items)
    cursor = page.nextCursor
    more.hidden = !cursor
    render()
    say(rows.length === 0 ? 'No refused request is kept for these filters.' : `Refused requests shown: ${rows.length}.`)
  }

  async function reload() {
    rows = []
    await load(null)
  }

  await load(null)
})
