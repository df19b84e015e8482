import { pino, type DestinationStream, type Logger } from 'pino'
import { redactUrl } from './sources/index.js'
import { traceLogFields } from './telemetry/index.js'

export interface LoggerOptions {
  /** the config's `log.level` */
  level: string
  /** where lines go; stdout by default (tests pass a capture stream) */
  stream?: DestinationStream
  /** query parameter names that carry secrets, masked in logged URLs */
  secretQueryParams?: readonly string[]
}

/**
 * An OAuth callback's `code` (exchangeable for tokens until used) and `state` (the install's
 * nonce), masked in every logged URL whatever the path: an absolute-form target or a proxy's
 * rewrite must not slip past a path test.
 */
const OAUTH_PARAMS = ['code', 'state'] as const

/**
 * JSON lines through pino. Secrets are kept out two ways: known secret-bearing fields are
 * redacted wherever they appear, and requests are logged through a serializer that masks
 * secret query parameters and never includes headers.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const secretQuery = [...(opts.secretQueryParams ?? []), ...OAUTH_PARAMS]
  return pino(
    {
      level: opts.level,
      base: { service: 'tagrelay' },
      // trace_id and span_id of the active span on every line (nothing when tracing is off)
      mixin: traceLogFields,
      redact: {
        paths: [
          'token',
          '*.token',
          'accessToken',
          '*.accessToken',
          'secret',
          '*.secret',
          'sharedSecret',
          '*.sharedSecret',
          'payload',
          '*.payload',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'headers["x-tagrelay-token"]',
          '*.headers["x-tagrelay-token"]',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({
          method: req.method,
          url: req.url ? redactUrl(req.url, secretQuery) : req.url,
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    opts.stream,
  )
}
