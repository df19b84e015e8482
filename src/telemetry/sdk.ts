import { setTracingEnabled } from './spans.js'

/** The OTEL_* variables that turn tracing on (any one set, and OTEL_SDK_DISABLED not "true"). */
const TRIGGERS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_SERVICE_NAME',
]

export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false
  return TRIGGERS.some((k) => (env[k] ?? '').trim() !== '')
}

export interface Tracing {
  /** flushes the spans still buffered and stops the exporter */
  shutdown(): Promise<void>
}

/**
 * Starts the OpenTelemetry SDK with an OTLP/HTTP exporter when the standard OTEL_*
 * variables ask for it, else does nothing. Why a dynamic import: the SDK and exporter
 * are loaded only then, so a service without tracing neither loads nor pays for them.
 * The exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_*, the
 * sampler from OTEL_TRACES_SAMPLER, the service name from OTEL_SERVICE_NAME (default
 * "tagrelay"); the provider registers the W3C propagator and the async context manager.
 */
export async function startTracingFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!tracingRequested(env)) return undefined
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ])
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || 'tagrelay' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  })
  provider.register()
  setTracingEnabled(true)
  return {
    async shutdown() {
      setTracingEnabled(false)
      await provider.shutdown()
    },
  }
}
