import { code, h } from './core.js'

// A rule's trace as a list: each condition with the value found and whether it passed.
// The event page and the rules tester show it alike.
function condition(c) {
  const mark = c.passed ? '✓' : '✗'
  if ('conditions' in c)
    return h('li', { class: c.passed ? 'pass' : 'miss' }, `${mark} ${c.op}`, h('ul', {}, c.conditions.map(condition)))
  const found = c.found === undefined ? 'missing' : JSON.stringify(c.found)
  return h(
    'li',
    { class: c.passed ? 'pass' : 'miss' },
    `${mark} `,
    code(c.field),
    ` ${c.op} `,
    code(JSON.stringify(c.expected)),
    ': found ',
    code(found),
    c.note ? ` (${c.note})` : '',
  )
}

export function rule(r) {
  return h(
    'li',
    { class: r.matched ? 'pass' : 'miss' },
    h('strong', {}, `${r.matched ? '✓' : '✗'} rule `, code(r.rule)),
    ` ${r.skipped ?? (r.matched ? 'matched' : 'did not match')}`,
    r.condition ? h('ul', {}, condition(r.condition)) : h('p', {}, 'no condition: always matches'),
    r.tags?.length
      ? h(
          'p',
          {},
          'tags: ',
          r.tags.map((t) => [code(t), ' ']),
        )
      : null,
    r.unresolved ? h('p', {}, `contact unresolved: ${r.unresolved}`) : null,
    ...(r.ignored ?? []).map((i) => h('p', { class: 'ignored' }, i)),
  )
}
