import { action, api, badge, boot, code, fail, follow, h, pre, prose, say, table, time, fill, who } from '../core.js'
import { rule } from '../trace.js'

// One event's trail (GET /admin/events/{id}): who and where, then the answer about the tag
// the person expected (?tag=, or the "Why no tag?" field) before the general sentence,
// the rules that concern that tag (the others folded), the intents, the jobs with every
// HighLevel attempt, the request as stored. Actions: re-run with the current rules (dry
// run first), and re-deliver what is dead; after either, the page follows the jobs until
// they settle and says the outcome.
const id = decodeURIComponent(location.pathname.split('/').pop())
const trail = (tag) =>
  api('GET', `/admin/events/${encodeURIComponent(id)}${tag ? `?tag=${encodeURIComponent(tag)}` : ''}`)

function attempt(a) {
  return h(
    'li',
    {},
    time(a.startedAt),
    ` attempt ${a.attempt}: `,
    badge(a.outcome),
    ` HTTP ${a.statusCode ?? '—'} in ${a.ms} ms`,
    a.error ? h('p', {}, a.error) : null,
    a.rateLimit
      ? h(
          'p',
          { class: 'help' },
          `rate limit: ${a.rateLimit.remaining ?? '?'} of ${a.rateLimit.max ?? '?'} left in the burst window, ${a.rateLimit.dailyRemaining ?? '?'} of ${a.rateLimit.dailyLimit ?? '?'} today`,
        )
      : null,
    a.response === null ? null : h('details', {}, h('summary', {}, "HighLevel's answer"), pre(a.response)),
  )
}

/** Asks for the trail until the jobs are no longer pending; says how they ended. */
async function settle(jobIds, tag, what) {
  say(`${what}: waiting for HighLevel…`)
  const done = await follow(
    async () => {
      const e = await trail(tag)
      const jobs = e.jobs.filter((j) => jobIds === null || jobIds.includes(j.id))
      return jobs.every((j) => j.status !== 'pending') ? e : null
    },
    { progress: `${what}: still in progress…` },
  )
  if (!done) return say(`${what}: still in progress after a minute; this page shows it when it ends.`)
  return done
}

function job(j, after) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `job-${j.id}` },
    h('h3', { id: `job-${j.id}` }, `Job ${j.id}: `, badge(j.status)),
    h(
      'p',
      {},
      `${who(j.contact)} at ${j.location}: `,
      j.add.length ? ['add ', j.add.map((t) => [code(t), ' '])] : '',
      j.remove.length ? ['remove ', j.remove.map((t) => [code(t), ' '])] : '',
    ),
    j.nextAttemptAt ? h('p', {}, 'next attempt ', time(j.nextAttemptAt)) : null,
    j.lastError ? h('p', {}, h('small', {}, `last error: ${j.lastError}`)) : null,
    j.status === 'dead'
      ? h(
          'p',
          {},
          action(`Re-deliver job ${j.id}`, async () => {
            try {
              await api('POST', `/admin/dead-letters/${j.id}/replay`)
              await after([j.id], `Re-delivering job ${j.id}`)
            } catch (err) {
              fail(err)
            }
          }),
        )
      : null,
    h('h4', {}, 'HighLevel attempts'),
    j.trail.length ? h('ol', { class: 'timeline' }, j.trail.map(attempt)) : h('p', {}, 'no attempt yet'),
  )
}

function rerunBox(after) {
  const out = h('div', { id: 'rerun-plan' })
  async function run(dryRun, replan = false) {
    try {
      const plan = await api('POST', `/admin/events/${encodeURIComponent(id)}/rerun`, { dryRun, replan })
      fill(
        out,
        h(
          'p',
          {},
          `${dryRun ? 'Dry run with' : 'Re-ran with'} rules ${plan.rulesVersion}: ${plan.jobs.length} new job(s).`,
        ),
        plan.jobs.length
          ? table(
              'Jobs of the re-run',
              ['Location', 'Contact', 'Add', 'Remove'],
              plan.jobs.map((j) => [j.location, who(j.contact), j.add.join(', '), j.remove.join(', ')]),
            )
          : null,
        plan.noLongerAdded.length
          ? h(
              'p',
              {},
              `No longer added by the current rules: ${plan.noLongerAdded.map((n) => n.tags.join(', ')).join('; ')}`,
            )
          : null,
        dryRun && plan.jobs.length ? action('Apply this re-run', () => run(false)) : null,
        // a job still waiting or dead is planned again even when the tags are the same
        plan.waiting.length
          ? h(
              'p',
              {},
              `${plan.waiting.length} job(s) still pending or dead: `,
              plan.waiting
                .map(
                  (w) =>
                    `job ${w.jobId} ${w.create === null ? 'not created if missing' : 'created if missing'}${w.changes ? ' (changed)' : ''}`,
                )
                .join('; '),
              plan.replanned.length ? ` (re-planned: ${plan.replanned.join(', ')})` : '',
            )
          : null,
        dryRun && plan.waiting.length
          ? action('Re-plan jobs still pending or dead under the current rules', () => run(false, true))
          : null,
      )
      if (dryRun) say('Dry run done: nothing was queued.')
      else await after(null, 'Re-run')
    } catch (err) {
      fail(err)
    }
  }
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'rerun-h' },
    h('h2', { id: 'rerun-h' }, 'Re-run with the current rules'),
    h('button', { type: 'button', onclick: () => run(true) }, 'Dry run'),
    out,
  )
}

function answer(w) {
  if (!w) return null
  return h(
    'section',
    { class: `why answer ${w.outcome}`, 'aria-labelledby': 'why-tag-h' },
    h(
      'h2',
      { id: 'why-tag-h' },
      w.outcome === 'added' ? 'Added: ' : 'Why no ',
      code(w.tag),
      w.outcome === 'added' ? '' : '?',
    ),
    h('p', { id: 'why-tag' }, prose(w.sentence)),
    w.code ? h('p', { class: 'help' }, h('small', {}, 'code: ', code(w.code))) : null,
  )
}

function rulesSection(e, w) {
  const concern = new Set(w?.rules ?? [])
  const mine = w ? e.rules.trace.filter((r) => concern.has(r.rule)) : e.rules.trace
  const others = w ? e.rules.trace.filter((r) => !concern.has(r.rule)) : []
  return h(
    'section',
    { 'aria-labelledby': 'rules-h' },
    h(
      'h2',
      { id: 'rules-h' },
      w ? ['Rules that add ', code(w.tag)] : `Rules (version ${e.rules.version ?? 'unknown'})`,
    ),
    e.rules.trace.length === 0
      ? h('p', {}, `no trace (${e.rules.traceFrom})`)
      : [
          mine.length ? h('ul', { class: 'rules' }, mine.map(rule)) : h('p', {}, 'none of this source'),
          others.length
            ? h(
                'details',
                {},
                h(
                  'summary',
                  {},
                  `${others.length} other rule${others.length === 1 ? '' : 's'} (not about `,
                  code(w.tag),
                  ')',
                ),
                h('ul', { class: 'rules' }, others.map(rule)),
              )
            : null,
        ],
  )
}

boot(async function render(root, tagArg) {
  const tag = tagArg ?? new URLSearchParams(location.search).get('tag') ?? ''
  const [e, names] = await Promise.all([trail(tag), api('GET', '/admin/suggestions')])
  document.title = `Event ${e.id} · tagrelay console`
  const rerender = (t) => render(root, t)
  const after = async (jobIds, what) => {
    const done = await settle(jobIds, tag, what)
    if (!done) return
    await rerender(tag)
    const jobs = done.jobs.filter((j) => jobIds === null || jobIds.includes(j.id))
    const added = jobs.filter((j) => j.status === 'done').flatMap((j) => j.add)
    const dead = jobs.filter((j) => j.status === 'dead')
    say(
      `${what}: ${added.length ? `${added.join(', ')} added` : 'nothing added'}${dead.length ? `; ${dead.length} failed again: ${dead.map((j) => j.lastError).join('; ')}` : ''}.`,
    )
  }
  const field = h('input', { id: 'why-tag-field', name: 'tag', value: tag, autocomplete: 'off', list: 'why-tags' })
  const ask = h(
    'form',
    {
      class: 'filters ask',
      role: 'search',
      'aria-label': 'Why no tag',
      onsubmit: (ev) => {
        ev.preventDefault()
        const t = field.value.trim()
        history.replaceState(null, '', `${location.pathname}${t ? `?tag=${encodeURIComponent(t)}` : ''}`)
        rerender(t)
          .then(() => document.getElementById(t ? 'why-tag-h' : 'why-h')?.setAttribute('tabindex', '-1'))
          .then(() => document.getElementById(t ? 'why-tag-h' : 'why-h')?.focus())
          .catch(fail)
      },
    },
    h('p', {}, h('label', { for: 'why-tag-field' }, 'Why no tag? The tag you expected'), field),
    h('p', { class: 'buttons' }, h('button', { type: 'submit' }, 'Ask')),
    h(
      'datalist',
      { id: 'why-tags' },
      names.tags.map((t) => h('option', { value: t })),
    ),
  )
  fill(
    root,
    h(
      'dl',
      { class: 'facts who' },
      h('dt', {}, 'Contact'),
      h('dd', { id: 'event-contact' }, who(e.contact)),
      h('dt', {}, 'Location'),
      h('dd', {}, e.location ?? '—'),
      h('dt', {}, 'Source'),
      h('dd', {}, e.source),
      h('dt', {}, 'Received'),
      h('dd', {}, time(e.receivedAt)),
    ),
    ask,
    answer(e.whyTag),
    e.whyTag
      ? h(
          'details',
          { class: 'why' },
          h('summary', { id: 'why-h' }, 'Everything this event did'),
          h('p', { id: 'why' }, prose(e.why)),
        )
      : h(
          'section',
          { class: 'why', 'aria-labelledby': 'why-h' },
          h('h2', { id: 'why-h' }, 'Why'),
          h('p', { id: 'why' }, prose(e.why)),
        ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Event'),
      h('dd', {}, code(e.id)),
      h('dt', {}, 'Status'),
      h('dd', {}, badge(e.status)),
      h('dt', {}, 'Verification'),
      h(
        'dd',
        {},
        `verified (${e.verification.method ?? 'unknown method'})`,
        e.verification.refusedFirst
          ? [', after a re-verify of a refused request (', h('small', {}, code(e.verification.refusedFirst.code)), ')']
          : '',
      ),
    ),
    rulesSection(e, e.whyTag),
    h(
      'section',
      { 'aria-labelledby': 'intents-h' },
      h('h2', { id: 'intents-h' }, 'Intents'),
      table(
        'Intents',
        ['Location', 'Contact', 'Add', 'Remove', 'Rules'],
        e.intents.map((i) => [i.location, who(i.contact), i.add.join(', '), i.remove.join(', '), i.rules.join(', ')]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'jobs-h' },
      h('h2', { id: 'jobs-h' }, 'Jobs and HighLevel attempts'),
      e.jobs.length ? e.jobs.map((j) => job(j, after)) : h('p', {}, 'no job: nothing to deliver'),
    ),
    rerunBox(after),
    h(
      'section',
      { 'aria-labelledby': 'req-h' },
      h('h2', { id: 'req-h' }, 'Request as stored'),
      table('Headers (secrets redacted)', ['Header', 'Value'], Object.entries(e.request.headers)),
      h('h3', {}, 'Body'),
      pre(e.request.body),
    ),
  )
})
