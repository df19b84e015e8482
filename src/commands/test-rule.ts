import { readFileSync } from 'node:fs'
import { compileConfigRules, loadConfigFile } from '../config/index.js'
import { TagrelayError } from '../errors.js'
import { formatEvaluation } from '../rules/index.js'

export interface TestRuleOptions {
  config: string
  source: string
  payload: string
  headers?: string
  query?: string
  json?: boolean
}

export class TestRuleInputError extends TagrelayError {
  constructor(message: string) {
    super('TAGRELAY_TEST_RULE_INPUT', message, 400)
  }
}

/**
 * `tagrelay test-rule`: the config's rules on a sample payload, explained rule by rule,
 * with nothing stored or sent. Unset `${VAR}`s are tolerated: no secret is needed to
 * evaluate rules, so a laptop without the production environment can still test them.
 */
export function testRule(opts: TestRuleOptions): string {
  const config = loadConfigFile(opts.config, { allowMissingEnv: true })
  const source = config.sources[opts.source]
  if (!source) {
    throw new TestRuleInputError(
      `unknown source "${opts.source}" (known: ${Object.keys(config.sources).join(', ') || 'none'})`,
    )
  }
  const body = readJson(opts.payload, 'payload')
  const headers = opts.headers ? stringRecord(readJson(opts.headers, 'headers'), opts.headers, true) : {}
  const query = opts.query ? stringRecord(readJson(opts.query, 'query'), opts.query, false) : {}
  const rules = compileConfigRules(config)
  const evaluation = rules.evaluate({ source: opts.source, body, headers, query, receivedAt: Date.now() })
  if (opts.json) return JSON.stringify({ rulesVersion: rules.version, source: opts.source, ...evaluation }, null, 2)
  const text = formatEvaluation(evaluation, { source: opts.source, rulesVersion: rules.version })
  const defaultLocation = evaluation.intents.some((i) => !i.location)
    ? `\n(intents without a location go to the source's location "${source.location}")`
    : ''
  return text + defaultLocation
}

function readJson(file: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new TestRuleInputError(
      `cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new TestRuleInputError(`${what} file ${file} is not valid JSON: ${(err as Error).message}`)
  }
}

function stringRecord(v: unknown, file: string, lowerKeys: boolean): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new TestRuleInputError(`${file}: expected a JSON object of names to values`)
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [lowerKeys ? k.toLowerCase() : k, String(val)]))
}
