import {
  action,
  api,
  boot,
  code,
  fail,
  fill,
  filterForm,
  focusResults,
  follow,
  h,
  pre,
  say,
  time,
  who,
} from '../core.js'

// Dead letters (GET /admin/dead-letters) by cause: filters by error code, source, rule,
// location and age; the groups of the same cause at the same location with their counts
// (GET /admin/dead-letters/groups), each with "Show", "Replay" and "Discard" for the
// whole group; select all; inspect one. After a replay the page follows the jobs until
// they settle (delivered or dead again) and says so. One piece over 300 lines: the
// filters, the groups, the table and the bulk actions share one render and its state.
const CHUNK = 100
const HEADERS = ['Select', 'Job', 'Contact', 'Location', 'Tags', 'Why', 'Dead since', 'Action']
const AGES = [
  ['', 'any age'],
  ['60', 'over an hour'],
  ['1440', 'over a day'],
  ['10080', 'over a week'],
]
const FILTERS = ['location', 'code', 'source', 'rule', 'olderThanMinutes']

const queryOf = (p, extra = {}) => {
  const q = new URLSearchParams()
  for (const k of FILTERS) if (p.get(k)) q.set(k, p.get(k))
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v))
  return q
}
const describe = (p) => {
  const parts = FILTERS.filter((k) => p.get(k)).map((k) =>
    k === 'olderThanMinutes' ? `dead over ${p.get(k)} min` : `${k} ${p.get(k)}`,
  )
  return parts.length ? ` (${parts.join(', ')})` : ''
}

async function allOf(p) {
  const items = []
  let after = 0
  for (;;) {
    const page = await api('GET', `/admin/dead-letters?${queryOf(p, { limit: 1000, after })}`)
    items.push(...page.items.map((d) => ({ id: d.id, eventId: d.eventId })))
    if (page.next === null || page.next === undefined) return items
    after = page.next
  }
}

boot(async (root) => {
  const [names, groupsAll] = await Promise.all([
    api('GET', '/admin/suggestions'),
    api('GET', '/admin/dead-letters/groups'),
  ])
  const codes = [...new Set(groupsAll.groups.map((g) => g.code).filter(Boolean))]
  const filters = filterForm(
    'Filter dead letters',
    [
      ['code', 'Error', 'text', { select: [['', 'any error'], ...codes.map((c) => [c, c])] }],
      ['location', 'Location', 'text', names.locations],
      ['source', 'Source', 'text', names.sources],
      ['rule', 'Rule', 'text', names.rules.map((r) => r.name)],
      ['olderThanMinutes', 'Age', 'text', { select: AGES }],
    ],
    null,
    '/console/dead-letters',
    (p, focus) => render(p, focus),
  )
  const view = h('div')
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Progress' })
  root.append(h('div', { class: 'filter-bar' }, filters.toggle), filters.form, progress, view)

  const guarded = (fn) => async () => {
    try {
      await fn()
    } catch (err) {
      fail(err)
    }
  }

  // the replayed jobs (up to 20 followed), until none is pending: delivered, or dead again
  async function followReplay(items, what) {
    const watched = items.slice(0, 20)
    const settled = await follow(
      async () => {
        const states = await Promise.all(
          watched.map(async (d) => {
            const e = await api('GET', `/admin/events/${encodeURIComponent(d.eventId)}`)
            return e.jobs.find((j) => j.id === d.id) ?? { status: 'done', add: [] }
          }),
        )
        return states.some((j) => j.status === 'pending') ? null : states
      },
      { progress: `${what}: waiting for HighLevel…` },
    )
    if (!settled) return `${what}: still being delivered after a minute.`
    const added = settled.filter((j) => j.status === 'done')
    const dead = settled.filter((j) => j.status === 'dead')
    const of = items.length > watched.length ? ` (of the first ${watched.length} followed)` : ''
    return `${what}: ${added.length} added${dead.length ? `, ${dead.length} failed again: ${dead[0].lastError}` : ''}${of}.`
  }

  async function replay(items, what) {
    const ids = items.map((d) => d.id)
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
    const queued = `Replayed ${done} of ${ids.length} ${what}: queued again for delivery.`
    say(queued)
    await render(filters.params(), false, queued)
    const outcome = await followReplay(items, `Replayed ${what}`)
    await render(filters.params(), false, `${queued} ${outcome}`)
  }

  async function discard(items, what) {
    const ids = items.map((d) => d.id)
    if (
      !confirm(
        `Discard ${ids.length} dead letter(s)${what}? Their events stay; the jobs are deleted and will not be delivered.`,
      )
    )
      return
    let n = 0
    for (let i = 0; i < ids.length; i += 1000)
      n += (await api('POST', '/admin/dead-letters/discard', { ids: ids.slice(i, i + 1000) })).discarded.length
    await render(filters.params(), false, `Discarded ${n} dead letter(s).`)
  }

  async function render(p, focus, message) {
    const [{ items }, { count }, { groups }] = await Promise.all([
      api('GET', `/admin/dead-letters?${queryOf(p, { limit: 200 })}`),
      api('GET', `/admin/dead-letters/count?${queryOf(p)}`),
      api('GET', `/admin/dead-letters/groups?${queryOf(p)}`),
    ])
    const boxes = []
    const byId = new Map(items.map((d) => [d.id, d]))
    const selected = () => boxes.filter((b) => b.checked).map((b) => byId.get(Number(b.value)))
    const all = h('input', {
      type: 'checkbox',
      id: 'select-all',
      onchange: () => boxes.forEach((b) => (b.checked = all.checked)),
    })
    const groupWith = (g) => {
      const q = new URLSearchParams(p)
      if (g.code) q.set('code', g.code)
      q.set('location', g.location)
      return q
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
      const cell = (i, ...c) => h('td', { 'data-label': HEADERS[i] }, ...c)
      return h(
        'tr',
        {},
        cell(0, box),
        cell(1, h('a', { href: `/console/events/${encodeURIComponent(d.eventId)}` }, String(d.id))),
        cell(2, who(d.contact)),
        cell(3, d.location),
        cell(
          4,
          d.add.map((t) => [code(t), ' ']),
        ),
        cell(5, h('span', { class: 'reason' }, d.reason), ' ', d.code ? h('small', {}, code(d.code)) : '', inspect),
        cell(6, time(d.deadSince)),
        cell(
          7,
          action(
            'Replay',
            guarded(() => replay([d], `dead letter ${d.id}`)),
            { 'aria-label': `Replay dead letter ${d.id}` },
          ),
        ),
      )
    })
    const groupList = groups.length
      ? h(
          'section',
          { 'aria-labelledby': 'groups-h', class: 'groups' },
          h('h2', { id: 'groups-h' }, 'By cause'),
          h(
            'ul',
            {},
            groups.map((g) =>
              h(
                'li',
                {},
                h('strong', {}, `${g.count} × `),
                g.reason,
                ' ',
                g.code ? h('small', {}, code(g.code)) : '',
                ' ',
                h('a', { href: `/console/dead-letters?${groupWith(g)}` }, 'Show'),
                ' ',
                action(
                  `Replay ${g.count}`,
                  guarded(async () => {
                    const ids = await allOf(groupWith(g))
                    if (!confirm(`Replay ${ids.length} dead letter(s): ${g.reason}?`)) return
                    await replay(ids, `dead letters (${g.reason})`)
                  }),
                  { 'aria-label': `Replay ${g.count}: ${g.reason}` },
                ),
                ' ',
                action(
                  `Discard ${g.count}`,
                  guarded(async () => discard(await allOf(groupWith(g)), `: ${g.reason}`)),
                  { 'aria-label': `Discard ${g.count}: ${g.reason}` },
                ),
              ),
            ),
          ),
        )
      : null
    const toolbar = h(
      'p',
      { class: 'buttons' },
      h('label', { class: 'check' }, all, ' Select all'),
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
          await discard(ids, '')
        }),
      ),
      action(
        `Replay all ${count} matching`,
        guarded(async () => {
          const ids = await allOf(p)
          if (!confirm(`Replay ${ids.length} dead letter(s)${describe(p)}?`)) return
          await replay(ids, `dead letters${describe(p)}`)
        }),
        { id: 'replay-all' },
      ),
    )
    const listRegion = h(
      'div',
      { class: 'scroll', role: 'region', 'aria-label': 'Dead letters', tabindex: 0 },
      h(
        'table',
        { class: 'cards' },
        h('caption', {}, 'Dead letters, oldest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            HEADERS.map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    )
    fill(
      view,
      h(
        'p',
        { id: 'dl-count' },
        `${count} dead letter(s)${describe(p)}${items.length < count ? `; the first ${items.length} are listed` : ''}.`,
      ),
      groupList,
      toolbar,
      listRegion,
    )
    progress.hidden = true
    say(message ?? `Showing ${items.length} of ${count}.`)
    if (focus) focusResults(listRegion)
  }

  await render(filters.params(), false)
})
