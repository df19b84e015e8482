import { action, api, badge, boot, code, fail, h, pre, say, table, time, fill } from '../core.js'
import { rule } from '../trace.js'

// One event's trail (GET /admin/events/{id}): the sentence that answers "why", then the
// rules condition by condition, the intents, the jobs with every HighLevel attempt, the
// request as stored. Actions: re-run with the current rules (dry run first), and
// re-deliver what is dead (replay its dead letters).
const id = decodeURIComponent(location.pathname.split('/').pop())

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

function job(j, reload) {
  const contact = [j.contact.email, j.contact.phone, j.contact.id].filter(Boolean).join(', ')
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `job-${j.id}` },
    h('h3', { id: `job-${j.id}` }, `Job ${j.id}: `, badge(j.status)),
    h(
      'p',
      {},
      `${contact} at ${j.location}: `,
      j.add.length ? ['add ', j.add.map((t) => [code(t), ' '])] : '',
      j.remove.length ? ['remove ', j.remove.map((t) => [code(t), ' '])] : '',
    ),
    j.nextAttemptAt ? h('p', {}, 'next attempt ', time(j.nextAttemptAt)) : null,
    j.lastError ? h('p', {}, `last error: ${j.lastError}`) : null,
    j.status === 'dead'
      ? h(
          'p',
          {},
          action(`Re-deliver job ${j.id}`, async () => {
            try {
              await api('POST', `/admin/dead-letters/${j.id}/replay`)
              say(`Job ${j.id} queued again.`)
              await reload()
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

function rerunBox(reload) {
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
              plan.jobs.map((j) => [j.location, JSON.stringify(j.contact), j.add.join(', '), j.remove.join(', ')]),
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
      say(dryRun ? 'Dry run done: nothing was queued.' : 'Re-run queued.')
      if (!dryRun) await reload()
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

boot(async function render(root) {
  const e = await api('GET', `/admin/events/${encodeURIComponent(id)}`)
  document.title = `Event ${e.id} · tagrelay console`
  const reload = () => render(root)
  fill(
    root,
    h(
      'section',
      { class: 'why', 'aria-labelledby': 'why-h' },
      h('h2', { id: 'why-h' }, 'Why'),
      h('p', { id: 'why' }, e.why),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Event'),
      h('dd', {}, code(e.id)),
      h('dt', {}, 'Source'),
      h('dd', {}, e.source),
      h('dt', {}, 'Received'),
      h('dd', {}, time(e.receivedAt)),
      h('dt', {}, 'Status'),
      h('dd', {}, badge(e.status)),
      h('dt', {}, 'Verification'),
      h('dd', {}, `verified (${e.verification.method ?? 'unknown method'})`),
    ),
    h(
      'section',
      { 'aria-labelledby': 'rules-h' },
      h('h2', { id: 'rules-h' }, `Rules (version ${e.rules.version ?? 'unknown'})`),
      e.rules.trace.length
        ? h('ul', { class: 'rules' }, e.rules.trace.map(rule))
        : h('p', {}, `no trace (${e.rules.traceFrom})`),
    ),
    h(
      'section',
      { 'aria-labelledby': 'intents-h' },
      h('h2', { id: 'intents-h' }, 'Intents'),
      table(
        'Intents',
        ['Location', 'Contact', 'Add', 'Remove', 'Rules'],
        e.intents.map((i) => [
          i.location,
          JSON.stringify(i.contact),
          i.add.join(', '),
          i.remove.join(', '),
          i.rules.join(', '),
        ]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'jobs-h' },
      h('h2', { id: 'jobs-h' }, 'Jobs and HighLevel attempts'),
      e.jobs.length ? e.jobs.map((j) => job(j, reload)) : h('p', {}, 'no job: nothing to deliver'),
    ),
    rerunBox(reload),
    h(
      'section',
      { 'aria-labelledby': 'req-h' },
      h('h2', { id: 'req-h' }, 'Request as stored'),
      table('Headers (secrets redacted)', ['Header', 'Value'], Object.entries(e.request.headers)),
      h('h3', {}, 'Body'),
      pre(e.request.body),
    ),
  )
  say('')
})
