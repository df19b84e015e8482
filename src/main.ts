import { loadConfigFile } from './config/index.js'
import { startService } from './service.js'
import { startTracingFromEnv } from './telemetry/index.js'

/**
 * `tagrelay serve`: load the config, start, reload the rules on SIGHUP (and on file
 * change), and stop gracefully on SIGTERM/SIGINT. A second stop signal exits at once.
 */
export async function serve(configPath: string): Promise<void> {
  const config = loadConfigFile(configPath)
  // before anything that makes spans; the SDK is loaded only when OTEL_* asks for it
  const tracing = await startTracingFromEnv()
  const service = await startService({ config, configFile: configPath })
  const { logger } = service
  if (tracing) logger.info('OpenTelemetry tracing on (OTLP exporter from OTEL_* settings)')
  let stopping = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal, graceMs: config.server.shutdownGraceMs }, 'shutting down')
    // a last resort if something ignores the deadline close() keeps
    setTimeout(() => {
      logger.error('shutdown overran its grace period by 5 s: exiting')
      process.exit(1)
    }, config.server.shutdownGraceMs + 5_000).unref()
    service
      .close()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error during shutdown')
          process.exit(1)
        },
      )
  }
  process.on('SIGHUP', () => {
    if (!stopping) service.reloadRules('SIGHUP')
  })
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
