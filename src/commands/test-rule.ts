import { readFileSync } from 'node:fs'
import { compileConfigRules, loadConfigFile } from '../config/index.js'
import { codes, TagrelayError } from '../errors.js'
import { testRules } from '../ingest/index.js'
import { createSourceRegistry, parseBody } from '../sources/index.js'

export interface TestRuleOptions {
  config: string
  source: string
  payload: string
  headers?: string
  query?: string
  /** how the payload file is encoded, as the server reads a Content-Type (default: the headers file's, else JSON) */
  contentType?: string
  json?: boolean
}

export class TestRuleInputError extends TagrelayError {
  constructor(message: string) {
    super(codes.TAGRELAY_TEST_RULE_INPUT, message)
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
  const headers = opts.headers ? stringRecord(readJson(opts.headers, 'headers'), opts.headers, true) : {}
  const contentType = opts.contentType ?? headers['content-type']
  const body = contentType === undefined ? readJson(opts.payload, 'payload') : readBody(opts.payload, contentType)
  if (opts.contentType !== undefined) headers['content-type'] = opts.contentType
  const query = opts.query ? stringRecord(readJson(opts.query, 'query'), opts.query, false) : {}
  // the registry knows which headers and query keys of the source are secret
  const registered = createSourceRegistry(config.sources, { publicUrl: config.server.publicUrl }).get(opts.source)
  const answer = testRules(
    compileConfigRules(config),
    registered,
    { body, headers, query, receivedAt: Date.now() },
    config.delivery.contactNotFoundRetryHours,
  )
  if (opts.json) return JSON.stringify(answer, null, 2)
  const defaultLocation = answer.intents.some((i) => i.location === source.location)
    ? `\n(intents without a location of their own go to the source's location "${source.location}")`
    : ''
  return answer.explanation + defaultLocation
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new TestRuleInputError(
      `cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    )
  }
}

/** The payload parsed as the webhook route parses a body of this content type (urlencoded, multipart, JSON). */
function readBody(file: string, contentType: string): unknown {
  const raw = readFile(file, 'payload')
  try {
    return parseBody(raw, contentType)
  } catch (err) {
    throw new TestRuleInputError(`payload file ${file} as ${contentType}: ${(err as Error).message}`)
  }
}

function readJson(file: string, what: string): unknown {
  const text = readFile(file, what).toString('utf8')
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
