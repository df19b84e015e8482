import { api, boot, code, fail, h, pre, say, table, fill } from '../core.js'
import { rule } from '../trace.js'

// The rules in force (GET /admin/rules) with how many events each matched, and a tester
// (POST /admin/rules/test): pick a source, paste a payload or load a stored event's, and
// see what would be tagged, condition by condition. Nothing is stored or sent.
boot(async (root) => {
  const rules = await api('GET', '/admin/rules')
  const source = h(
    'select',
    { id: 't-source', name: 'source' },
    rules.sources.map((s) => h('option', { value: s }, s)),
  )
  const payload = h('textarea', { id: 't-payload', name: 'payload', rows: 10, spellcheck: 'false' }, '{}')
  const eventId = h('input', { id: 't-event', name: 'event' })
  const result = h('div', { id: 'test-result' })

  async function loadEvent(e) {
    e.preventDefault()
    try {
      const ev = await api('GET', `/admin/events/${encodeURIComponent(eventId.value.trim())}`)
      source.value = ev.source
      payload.value = JSON.stringify(ev.request.body, null, 2)
      say(`Loaded the payload of event ${ev.id}.`)
    } catch (err) {
      fail(err)
    }
  }
  async function test(e) {
    e.preventDefault()
    let body
    try {
      body = JSON.parse(payload.value)
    } catch (err) {
      // the old result would read as the answer to this payload: clear it
      fill(result, h('p', { class: 'error' }, `The payload is not JSON: ${err.message}`))
      return say(`The payload is not JSON: ${err.message}`, 'error')
    }
    try {
      const r = await api('POST', '/admin/rules/test', { source: source.value, payload: body })
      fill(
        result,
        h(
          'h3',
          {},
          r.tags.length ? 'Would add: ' : 'Would add no tag',
          r.tags.map((t) => [code(t), ' ']),
        ),
        h('ul', { class: 'rules' }, r.trace.map(rule)),
        h('details', {}, h('summary', {}, 'As text'), pre(r.explanation)),
      )
      say(`Tested against rules ${r.rulesVersion}: ${r.tags.length} tag(s).`)
    } catch (err) {
      fail(err)
    }
  }

  fill(
    root,
    h('p', {}, 'Rules version ', code(rules.version), `; match counts since ${rules.matchesSince}.`),
    table(
      'Rules in force',
      ['Rule', 'Source', 'Tags', 'Matches', 'Condition'],
      rules.rules.map((r) => [
        r.name,
        r.source,
        r.tags.map((t) => [code(typeof t === 'string' ? t : JSON.stringify(t)), ' ']),
        String(r.matches),
        r.when ? h('details', {}, h('summary', {}, 'when'), pre(r.when)) : 'always',
      ]),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tester-h' },
      h('h2', { id: 'tester-h' }, 'Rules tester'),
      h(
        'form',
        { onsubmit: loadEvent, class: 'filters' },
        h('p', {}, h('label', { for: 't-event' }, 'Load a stored event (id)'), eventId),
        h('p', { class: 'buttons' }, h('button', { type: 'submit' }, 'Load')),
      ),
      h(
        'form',
        { onsubmit: test },
        h('p', {}, h('label', { for: 't-source' }, 'Source'), source),
        h('p', {}, h('label', { for: 't-payload' }, 'Payload (JSON)'), payload),
        h('p', {}, h('button', { type: 'submit' }, 'Test')),
      ),
      result,
    ),
  )
})
