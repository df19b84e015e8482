import { readFileSync } from 'node:fs'
import { compileRules, ruleSchema, type Rule, type RuleEvent } from '../src/rules/index.js'
import { naiveEvaluate } from './rules-naive.js'

/**
 * 100 rules, of the shapes real configs have, against the example Typeform payload
 * (a variant per event so no branch is always taken). Reports rule evaluations per
 * second (rules x events / s) on one core, the compiled rules beside a naive baseline
 * measured in the same run.
 */
function buildRules(): Rule[] {
  const interests = ['Pricing', 'Demo', 'Support', 'Partnership', 'Careers']
  const raw = Array.from({ length: 100 }, (_, i) => {
    const shape = i % 5
    const when =
      shape === 0
        ? {
            all: [
              { field: 'form_response.form_id', equals: i % 10 === 0 ? 'lT4Z3j' : `form${i}` },
              { field: 'form_response.answers[type=choice].choice.label', in: [interests[i % 5], 'Demo'] },
            ],
          }
        : shape === 1
          ? {
              any: [
                { field: 'form_response.hidden.utm_source', equals: `source-${i}` },
                { field: 'form_response.hidden.utm_campaign', contains: 'webinar' },
              ],
            }
          : shape === 2
            ? {
                all: [
                  { field: 'form_response.answers[*].type', equals: 'email' },
                  { not: { field: 'form_response.hidden.test', exists: true } },
                ],
              }
            : shape === 3
              ? { field: 'form_response.submitted_at', gte: `2026-${String((i % 12) + 1).padStart(2, '0')}-01` }
              : { field: 'form_response.answers[type=email].email', matches: `@example\\.(com|org)$|^x${i}` }
    return {
      name: `rule ${i}`,
      source: 'typeform',
      when,
      contact: { email: 'form_response.answers[type=email].email' },
      tags: i % 4 === 0 ? [`tag-${i}`, 'utm-{{ form_response.hidden.utm_source | slug }}'] : [`tag-${i}`],
    }
  })
  return ruleSchema.array().parse(raw)
}

function events(): RuleEvent[] {
  const base = JSON.parse(readFileSync(new URL('../examples/payloads/typeform.json', import.meta.url), 'utf8')) as {
    form_response: Record<string, unknown>
  }
  return ['Pricing', 'Support', 'Demo', 'Careers'].map((label, n) => {
    const body = structuredClone(base)
    const answers = body.form_response.answers as Array<Record<string, unknown>>
    answers[2] = { ...answers[2], choice: { id: 'c', label } }
    if (n % 2) (body.form_response.hidden as Record<string, unknown>).utm_source = `source-${n}`
    return { source: 'typeform', body, headers: { 'user-agent': 'Typeform Webhooks' }, receivedAt: Date.now() }
  })
}

/** Runs `fn` over the events until `ms` has passed; evaluations per second. */
function measure(ruleCount: number, evs: RuleEvent[], ms: number, fn: (e: RuleEvent) => unknown): number {
  let n = 0
  const start = process.hrtime.bigint()
  const until = start + BigInt(ms) * 1_000_000n
  let now = start
  while (now < until) {
    for (let i = 0; i < 100; i++) fn(evs[(n + i) % evs.length] as RuleEvent)
    n += 100
    now = process.hrtime.bigint()
  }
  return (n * ruleCount) / (Number(now - start) / 1e9)
}

export function run(): void {
  const rules = buildRules()
  const compiled = compileRules(rules)
  const evs = events()
  const sample = compiled.evaluate(evs[0] as RuleEvent)
  // warm-up, so both run as optimised code
  measure(rules.length, evs, 300, (e) => compiled.evaluate(e))
  measure(rules.length, evs, 300, (e) => naiveEvaluate(rules, e))
  const ms = Number(process.env.BENCH_MS ?? 2000)
  const naive = measure(rules.length, evs, ms, (e) => naiveEvaluate(rules, e))
  const fast = measure(rules.length, evs, ms, (e) => compiled.evaluate(e))
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12)
  console.log(
    `rules benchmark: ${rules.length} rules, ${evs.length} Typeform payload variants, ${ms} ms each, one core (node ${process.version})`,
  )
  console.log(
    `  ${sample.trace.filter((r) => r.matched).length} of ${rules.length} rules match the first event; compiled evaluation also builds the full explain trace`,
  )
  console.log(`  naive (paths re-parsed per evaluation, no trace) ${fmt(naive)} rule evaluations/s`)
  console.log(
    `  compiled closures (with trace)                  ${fmt(fast)} rule evaluations/s  (${(fast / naive).toFixed(1)}x)`,
  )
  console.log(
    `  target                                          ${fmt(200_000)} rule evaluations/s  ${fast >= 200_000 ? 'met' : 'NOT MET'}`,
  )
  console.log(
    JSON.stringify({
      bench: 'rules',
      evaluationsPerSecond: Math.round(fast),
      baselineEvaluationsPerSecond: Math.round(naive),
      rules: rules.length,
    }),
  )
}
