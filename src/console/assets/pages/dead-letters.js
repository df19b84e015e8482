import { action, api, boot, code, fail, h, pre, say, time, fill } from '../core.js'

// Dead letters (GET /admin/dead-letters): inspect one, replay one, a selection, or every
// one that matches the filter (the count first, then progress as they are queued in
// chunks), discard a selection after a confirmation.
const CHUNK = 100
const params = new URLSearchParams(location.search)
const filter = params.get('location') ?? ''

const contactText = (c) => [c.email, c.phone, c.id].filter(Boolean).join(', ')

async function allIds() {
  const ids = []
  let after = 0
  for (;;) {
    const q = new URLSearchParams({ limit: '1000', after: String(after) })
    if (filter) q.set('location', filter)
    const page = await api('GET', `/admin/dead-letters?${q}`)
    ids.push(...page.items.map((d) => d.id))
    if (page.next === null) return ids
    after = page.next
  }
}

boot(async function render(root) {
  const q = new URLSearchParams({ limit: '200' })
  if (filter) q.set('location', filter)
  const [{ items }, { count }] = await Promise.all([
    api('GET', `/admin/dead-letters?${q}`),
    api('GET', `/admin/dead-letters/count${filter ? `?location=${encodeURIComponent(filter)}` : ''}`),
  ])
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Replay progress' })
  const boxes = []

  async function replay(ids, what) {
    progress.hidden = false
    progress.max = ids.length
    progress.value = 0
    let done = 0
    for (let i = 0; i < ids.length; i += CHUNK) {
      const { replayed } = await api('POST', '/admin/dead-letters/replay', { ids: ids.slice(i, i + CHUNK) })
      done += replayed.length
      progress.value = Math.min(ids.length, i + CHUNK)
      say(`Replaying ${what}: ${done} of ${ids.length} queued again…`)
    }
    say(`Replayed ${done} of ${ids.length} ${what}: queued again for delivery.`)
    await render(root)
  }
  const selected = () => boxes.filter((b) => b.checked).map((b) => Number(b.value))
  const guarded = (fn) => async () => {
    try {
      await fn()
    } catch (err) {
      fail(err)
    }
  }

  const rows = items.map((d) => {
    const box = h('input', { type: 'checkbox', value: d.id, 'aria-label': `Select dead letter ${d.id}` })
    boxes.push(box)
    const detail = h('div')
    const inspect = h(
      'details',
      {
        ontoggle: guarded(async () => {
          if (!inspect.open || detail.childElementCount) return
          const one = await api('GET', `/admin/dead-letters/${d.id}`)
          detail.append(pre(one.history))
        }),
      },
      h('summary', {}, 'Attempts'),
      detail,
    )
    return h(
      'tr',
      {},
      h('td', {}, box),
      h('td', {}, h('a', { href: `/console/events/${encodeURIComponent(d.eventId)}` }, String(d.id))),
      h('td', {}, d.location),
      h('td', {}, contactText(d.contact)),
      h(
        'td',
        {},
        d.add.map((t) => [code(t), ' ']),
      ),
      h('td', {}, d.lastError ?? '—', inspect),
      h('td', {}, time(d.deadSince)),
      h(
        'td',
        {},
        action(
          'Replay',
          guarded(() => replay([d.id], `dead letter ${d.id}`)),
          { 'aria-label': `Replay dead letter ${d.id}` },
        ),
      ),
    )
  })

  const filterForm = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter dead letters' },
    h(
      'p',
      {},
      h('label', { for: 'f-location' }, 'Location'),
      h('input', { id: 'f-location', name: 'location', value: filter }),
    ),
    h('p', { class: 'buttons' }, h('button', { type: 'submit' }, 'Filter')),
  )
  const toolbar = h(
    'p',
    { class: 'buttons' },
    action(
      'Replay selected',
      guarded(() => {
        const ids = selected()
        if (ids.length === 0) return say('Select dead letters first.')
        return replay(ids, 'selected dead letters')
      }),
    ),
    action(
      'Discard selected',
      guarded(async () => {
        const ids = selected()
        if (ids.length === 0) return say('Select dead letters first.')
        if (
          !confirm(
            `Discard ${ids.length} dead letter(s)? Their events stay; the jobs are deleted and will not be delivered.`,
          )
        )
          return
        for (const id of ids) await api('DELETE', `/admin/dead-letters/${id}`)
        say(`Discarded ${ids.length} dead letter(s).`)
        await render(root)
      }),
    ),
    action(
      `Replay all ${count} matching`,
      guarded(async () => {
        const ids = await allIds()
        if (!confirm(`Replay ${ids.length} dead letter(s)${filter ? ` at location ${filter}` : ''}?`)) return
        await replay(ids, filter ? `dead letters at ${filter}` : 'dead letters')
      }),
      { id: 'replay-all' },
    ),
    progress,
  )
  fill(
    root,
    filterForm,
    h(
      'p',
      { id: 'dl-count' },
      `${count} dead letter(s)${filter ? ` at location ${filter}` : ''}${items.length < count ? `; the first ${items.length} are listed` : ''}.`,
    ),
    toolbar,
    h(
      'div',
      { class: 'scroll', role: 'region', 'aria-label': 'Dead letters', tabindex: 0 },
      h(
        'table',
        {},
        h('caption', {}, 'Dead letters, oldest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Select', 'Job', 'Location', 'Contact', 'Tags', 'Last error', 'Dead since', 'Action'].map((x) =>
              h('th', { scope: 'col' }, x),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  )
})
