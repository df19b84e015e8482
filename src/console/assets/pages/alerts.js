import { api, badge, boot, code, filterForm, h, pre, say, table, time } from '../core.js'

// The alerts tagrelay sent or is sending (GET /admin/alerts): each destination's copy,
// its kind (firing or recovered), whether it went out, and the message itself.
const STATUSES = ['', 'pending', 'sent', 'failed']

// the message as a person reads it: its text and links; the payload as sent folded below
function readable(m) {
  const data = m?.data ?? null
  const text = data
    ? `${data.title}\n${data.text}`
    : typeof m?.text === 'string'
      ? m.text.replace(/<([^>|]+)(\|[^>]*)?>/g, '$1')
      : ''
  const links = data?.links ?? []
  return [
    h('p', { class: 'message' }, text),
    links.length
      ? h(
          'p',
          {},
          links.map((l) => [h('a', { href: l }, l.replace(/^https?:\/\/[^/]+/, '')), ' ']),
        )
      : null,
    h('details', {}, h('summary', {}, 'As sent'), pre(m)),
  ]
}

boot(async (root) => {
  const filters = filterForm('Filter alerts', [], STATUSES, '/console/alerts', async () => {
    rows.length = 0
    await load(null)
  })
  const { form } = filters
  const params = { get: (k) => filters.params().get(k) }
  const list = h('div')
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(cursor) }, 'Older alerts')
  root.append(form, list, h('p', {}, more))
  let cursor = null
  const rows = []

  function render() {
    list.replaceChildren(
      table(
        'Alerts, newest first',
        ['Created', 'Destination', 'Alert', 'Status', 'Tries', 'Sent', 'Message'],
        rows.map((a) => [
          time(a.createdAt),
          a.destination,
          [code(a.kind), ' ', a.state, ': ', a.subject],
          [badge(a.status), a.lastError ? ` (${a.lastError})` : '', a.nextAt ? [' next try ', time(a.nextAt)] : null],
          String(a.attempts),
          time(a.sentAt),
          readable(a.message),
        ]),
      ),
    )
  }

  async function load(after) {
    const q = new URLSearchParams({ limit: '50' })
    if (params.get('status')) q.set('status', params.get('status'))
    if (after) q.set('cursor', String(after))
    const page = await api('GET', `/admin/alerts?${q}`)
    rows.push(...page.items)
    cursor = page.nextCursor
    more.hidden = !cursor
    render()
    say(rows.length === 0 ? 'No alert has been sent.' : `Alerts shown: ${rows.length}.`)
  }

  await load(null)
})
