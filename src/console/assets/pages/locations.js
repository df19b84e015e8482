import { api, badge, boot, code, fail, h, time, fill } from '../core.js'

// Each HighLevel location (GET /admin/locations): its queue and oldest pending job, the
// rate budget HighLevel last reported, whether deliveries are held back and why, the
// state of its credentials, and a reconnect link for installed apps when there is one.
function location(l) {
  const rl = l.rateLimit
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `loc-${l.name}` },
    h('h2', { id: `loc-${l.name}` }, l.name, ' ', l.paused ? badge('held back') : badge('delivering')),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Location id'),
      h('dd', {}, code(l.locationId)),
      h('dt', {}, 'Queue'),
      h('dd', {}, `${l.queue.pending} pending, ${l.queue.dead} dead`),
      h('dt', {}, 'Oldest pending'),
      h(
        'dd',
        {},
        l.queue.oldestPendingAt ? [time(l.queue.oldestPendingAt), ` (${l.queue.oldestPendingAgeSec} s ago)`] : 'none',
      ),
      h('dt', {}, 'Rate budget'),
      h(
        'dd',
        {},
        rl
          ? `${rl.remaining ?? '?'} of ${rl.max ?? '?'} in the burst window; ${rl.dailyRemaining ?? '?'} of ${rl.dailyLimit ?? '?'} left today`
          : 'not seen yet (no call made)',
      ),
      h('dt', {}, 'Held back'),
      h('dd', {}, l.pausedReason ?? 'no'),
      h('dt', {}, 'Auth'),
      h(
        'dd',
        {},
        `${l.auth.type}: ${l.auth.state}`,
        l.auth.lastError ? ` (${l.auth.lastError.code}: ${l.auth.lastError.message})` : '',
      ),
      h('dt', {}, 'Lookups'),
      h('dd', {}, l.lookups),
      l.origin ? [h('dt', {}, 'Origin'), h('dd', {}, l.origin)] : null,
      l.disabled ? [h('dt', {}, 'Disabled'), h('dd', {}, 'yes: nothing is delivered to it')] : null,
    ),
    l.reconnectUrl ? h('p', {}, h('a', { href: l.reconnectUrl }, `Reconnect ${l.name}`)) : null,
  )
}

// an agency may have thousands: 100 at a time, "More locations" for the next page
boot(async (root) => {
  const list = h('div')
  const more = h('button', { type: 'button', hidden: true }, 'More locations')
  let next
  const load = async () => {
    const page = await api('GET', `/admin/locations?limit=100${next ? `&after=${encodeURIComponent(next)}` : ''}`)
    list.append(...page.locations.map(location))
    next = page.next
    more.hidden = !next
    if (!list.firstChild) fill(list, h('p', {}, 'No location is configured.'))
  }
  more.addEventListener('click', () => load().catch(fail))
  fill(root, list, h('p', {}, more))
  await load()
})
