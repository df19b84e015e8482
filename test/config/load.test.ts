import { join } from 'node:path'
import t from 'tap'
import {
  ConfigError,
  DEFAULT_HIGHLEVEL_BASE_URL,
  loadConfigFile,
  parseConfigText,
  validateConfig,
} from '../../src/config/index.js'
import { hasProblem, minimal, problemsOf, TOKEN } from './load-helpers.js'

t.test('defaults are filled in for an empty config', async (t) => {
  const config = parseConfigText('', 'empty.yaml', { env: {} })
  t.equal(config.server.port, 8080)
  t.equal(config.server.host, '0.0.0.0')
  t.equal(config.server.bodyLimit, 1024 * 1024)
  t.equal(config.store.url, 'sqlite:./data/tagrelay.db')
  t.equal(config.highlevel.baseUrl, 'https://services.leadconnectorhq.com')
  t.equal(config.highlevel.baseUrl, DEFAULT_HIGHLEVEL_BASE_URL)
  t.equal(config.log.level, 'info')
  t.same(config.sources, {})
  t.same(config.rules, [])
})

t.test('a partial section keeps its other defaults', async (t) => {
  const config = parseConfigText('server:\n  port: 9000\n', 'c.yaml', { env: {} })
  t.equal(config.server.port, 9000)
  t.equal(config.server.host, '0.0.0.0')
  t.equal(config.server.bodyLimit, 1024 * 1024)
})

t.test('${VAR} interpolation', async (t) => {
  t.test('${VAR} is replaced from the given env', async (t) => {
    const yaml = [
      'store: { url: "postgres://app:${DB_PASS}@db/tagrelay" }',
      'highlevel:',
      '  locations:',
      '    main: { locationId: L1, auth: { type: private-integration, token: "${HL_TOKEN_MAIN}" } }',
    ].join('\n')
    const config = parseConfigText(yaml, 'c.yaml', { env: { DB_PASS: 's3cret', HL_TOKEN_MAIN: TOKEN } })
    t.equal(config.store.url, 'postgres://app:s3cret@db/tagrelay')
    t.match(config.highlevel.locations.main?.auth, { type: 'private-integration', token: TOKEN })
  })

  t.test('${VAR:-default} uses the default only when the variable is unset or empty', async (t) => {
    const yaml = 'store: { url: "${STORE:-sqlite:./fallback.db}" }\n'
    t.equal(parseConfigText(yaml, 'c.yaml', { env: {} }).store.url, 'sqlite:./fallback.db')
    t.equal(parseConfigText(yaml, 'c.yaml', { env: { STORE: '' } }).store.url, 'sqlite:./fallback.db')
    t.equal(parseConfigText(yaml, 'c.yaml', { env: { STORE: 'sqlite:./set.db' } }).store.url, 'sqlite:./set.db')
  })

  t.test('$${LITERAL} stays a literal ${LITERAL}', async (t) => {
    const config = parseConfigText('store: { url: "sqlite:./$${NOT_A_VAR}.db" }\n', 'c.yaml', {
      env: { NOT_A_VAR: 'x' },
    })
    t.equal(config.store.url, 'sqlite:./${NOT_A_VAR}.db')
  })

  t.test('a value with YAML syntax cannot change the document', async (t) => {
    const config = parseConfigText('store: { url: "${STORE}" }\n', 'c.yaml', {
      env: { STORE: 'sqlite:a: b\nserver: {port: 1}' },
    })
    t.equal(config.store.url, 'sqlite:a: b\nserver: {port: 1}')
    t.equal(config.server.port, 8080)
  })

  t.test('a store.url tagrelay cannot open is a config problem, without the URL', async (t) => {
    const problems = problemsOf(t, () =>
      parseConfigText('store: { url: "mysql://u:secret@h/db" }\n', 'c.yaml', { env: {} }),
    )
    t.same(problems, [
      'store.url: unsupported scheme "mysql:" (expected sqlite:<path> or postgres://...) (c.yaml:1:15)',
    ])
  })

  t.test('a missing variable names the key path and the variable', async (t) => {
    const raw = minimal()
    ;(raw.highlevel as { locations: { main: { auth: { token: string } } } }).locations.main.auth.token =
      '${HL_TOKEN_MAIN}'
    const problems = problemsOf(t, () => validateConfig(raw, 'c.yaml', { env: {} }))
    t.same(problems, ['highlevel.locations.main.auth.token: environment variable HL_TOKEN_MAIN is not set'])
  })

  t.test('every missing variable is listed, including inside lists', async (t) => {
    const yaml = 'store: { url: "${A}" }\nrules:\n  - { name: "${B}", source: s, contact: { email: e }, tags: [x] }\n'
    const problems = problemsOf(t, () => parseConfigText(yaml, 'c.yaml', { env: {} }))
    t.same(problems.slice(0, 2), [
      'store.url: environment variable A is not set (c.yaml:1:15)',
      'rules.0.name: environment variable B is not set (c.yaml:3:13)',
    ])
    t.match(problems.slice(2), [/rules\.0\.source: .*unknown source "s"/], 'and, in the same run, every other problem')
    t.notMatch(problems.join('\n'), /store\.url: .*scheme/, 'no echo of the unset variable as a bad URL')
  })
})

t.test('a config with several mistakes lists every problem with its key path', async (t) => {
  const raw = minimal() as Record<string, Record<string, unknown>>
  raw.server = { colour: 'blue' }
  raw.sources = { typeform: { location: 'mian', verify: { type: 'none' } } }
  raw.rules = [
    { name: 'lead', source: 'typeform', contact: { email: 'email' }, tags: ['lead'] },
    { name: 'lead', source: 'tally', contact: { email: 'email' }, tags: ['x'] },
  ] as unknown as Record<string, unknown>
  const problems = problemsOf(t, () => validateConfig(raw, 'c.yaml', { env: {} }))
  hasProblem(t, problems, 'server', /unknown key "colour" \(valid: host, port, bodyLimit, /)
  hasProblem(t, problems, 'sources.typeform.location', /unknown location "mian"/)
  hasProblem(t, problems, 'rules.1.name', /duplicate rule name "lead"/)
  hasProblem(t, problems, 'rules.1.source', /unknown source "tally"/)
  t.equal(problems.length, 4)
})

t.test('a wrong type does not hide the cross-reference problems', async (t) => {
  const raw = minimal() as Record<string, Record<string, unknown>>
  raw.server = { port: 'eighty' }
  raw.sources = { typeform: { location: 'mian', verify: { type: 'none' } } }
  const problems = problemsOf(t, () => validateConfig(raw, 'c.yaml', { env: {} }))
  hasProblem(t, problems, 'server.port', /number/)
  hasProblem(t, problems, 'sources.typeform.location', /unknown location "mian"/)
})

t.test('wrong types and invalid rules are reported at their key path', async (t) => {
  const raw = minimal() as Record<string, Record<string, unknown>>
  raw.server = { port: 'eighty', bodyLimit: 'lots' }
  raw.highlevel!.baseUrl = 'ftp://example.com'
  const problems = problemsOf(t, () => validateConfig(raw, 'c.yaml', { env: {} }))
  hasProblem(t, problems, 'server.port', /number/)
  hasProblem(t, problems, 'server.bodyLimit', /./)
  hasProblem(t, problems, 'highlevel.baseUrl', /./)
})

t.test('YAML syntax errors report file:line:col', async (t) => {
  const problems = problemsOf(t, () =>
    parseConfigText('server:\n  port: 8080\n  host: [a, b\nstore: {}\n', 'bad.yaml', { env: {} }),
  )
  t.ok(problems.length >= 1)
  t.match(problems[0], /^bad\.yaml:\d+:\d+: /)

  const dup = problemsOf(t, () => parseConfigText('server: {}\nserver: {}\n', 'dup.yaml', { env: {} }))
  t.match(dup[0], /^dup\.yaml:2:1: .*unique/i, 'duplicate keys are a syntax error on their line')
})

t.test('a document that is not a mapping is rejected', async (t) => {
  const problems = problemsOf(t, () => parseConfigText('- just\n- a list\n', 'list.yaml', { env: {} }))
  t.match(problems[0], /^\(root\): expected a mapping/)
})

t.test('loadConfigFile', async (t) => {
  t.test('reads and validates a file', async (t) => {
    const dir = t.testdir({ 'tagrelay.yaml': 'server:\n  port: 9090\n' })
    t.equal(loadConfigFile(join(dir, 'tagrelay.yaml'), { env: {} }).server.port, 9090)
  })

  t.test('an unreadable file is a ConfigError naming the file', async (t) => {
    const dir = t.testdir({})
    const file = join(dir, 'missing.yaml')
    let error: unknown
    try {
      loadConfigFile(file, { env: {} })
    } catch (err) {
      error = err
    }
    t.type(error, ConfigError)
    t.match((error as ConfigError).problems, [new RegExp(`cannot read .*missing\\.yaml: ENOENT`)])
    t.match((error as Error).message, 'missing.yaml')
  })

  t.test('syntax errors name the file that was loaded', async (t) => {
    const dir = t.testdir({ 'broken.yaml': 'server: {\n' })
    const file = join(dir, 'broken.yaml')
    const problems = problemsOf(t, () => loadConfigFile(file, { env: {} }))
    t.ok(problems[0]?.startsWith(`${file}:`), 'starts with the file path', { problems })
  })
})

t.test('environment overrides win over the file', async (t) => {
  const yaml =
    'server: { port: 9000 }\nstore: { url: "sqlite:./file.db" }\nhighlevel: { baseUrl: "https://file.example.com" }\n'
  const env = {
    TAGRELAY_PORT: '7070',
    TAGRELAY_STORE_URL: 'postgres://db/tagrelay',
    TAGRELAY_HIGHLEVEL_BASE_URL: 'http://127.0.0.1:4010',
  }
  const config = parseConfigText(yaml, 'c.yaml', { env })
  t.equal(config.server.port, 7070)
  t.equal(config.store.url, 'postgres://db/tagrelay')
  t.equal(config.highlevel.baseUrl, 'http://127.0.0.1:4010')

  const fromEmpty = parseConfigText('', 'c.yaml', { env })
  t.equal(fromEmpty.server.port, 7070, 'overrides apply when the section is absent')

  const problems = problemsOf(t, () => parseConfigText('', 'c.yaml', { env: { TAGRELAY_PORT: 'http' } }))
  hasProblem(t, problems, 'server.port', /./)

  t.equal(
    parseConfigText(yaml, 'c.yaml', { env: { TAGRELAY_PORT: '' } }).server.port,
    9000,
    'an empty override is ignored',
  )
})

t.test('server.bodyLimit accepts sizes and numbers', async (t) => {
  const limit = (v: unknown) => validateConfig({ server: { bodyLimit: v } }, 'c.yaml', { env: {} }).server.bodyLimit
  t.equal(limit('512kb'), 512 * 1024)
  t.equal(limit('1mb'), 1024 * 1024)
  t.equal(limit('2MB'), 2 * 1024 * 1024)
  t.equal(limit('100b'), 100)
  t.equal(limit(65536), 65536)
  for (const bad of ['1gb', 'lots', '1.5mb', 0, -1]) {
    problemsOf(t, () => limit(bad))
  }
})

t.test('a bad size says what a size looks like', async (t) => {
  const problems = problemsOf(t, () => validateConfig({ server: { bodyLimit: '1gb' } }, 'c.yaml', { env: {} }))
  t.same(problems, ['server.bodyLimit: expected a size such as "512kb" or "1mb"'])
})
