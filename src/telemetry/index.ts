/**
 * OpenTelemetry tracing through @opentelemetry/api: spans for webhooks, delivery rounds,
 * contact resolution and HighLevel calls, W3C trace context stored with each job. The
 * SDK is loaded only when OTEL_* asks for it (sdk.ts).
 */
export {
  currentTraceParent,
  setTracingEnabled,
  spanContextOf,
  traceLogFields,
  tracingEnabled,
  withSpan,
} from './spans.js'
export type { SpanOrigin } from './spans.js'
export { startTracingFromEnv, tracingRequested } from './sdk.js'
export type { Tracing } from './sdk.js'
