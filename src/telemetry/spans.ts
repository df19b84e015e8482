import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api'

let enabled = false

/**
 * Whether spans are made at all. Off (the default) every helper here calls its function
 * straight through: no span objects, no context switches, so tracing that is not
 * configured costs a boolean test per step. `startTracingFromEnv` (or a test) turns it on
 * after registering a tracer provider.
 */
export function tracingEnabled(): boolean {
  return enabled
}

export function setTracingEnabled(on: boolean): void {
  enabled = on
}

const tracer = () => trace.getTracer('tagrelay')

/** How a span relates to the work that caused it: a parent (traceparent) and links. */
export interface SpanOrigin {
  /** a W3C traceparent to be the parent (a job's stored context); else the active span */
  parent?: string | null
  /** W3C traceparents to link (the jobs of a bulk call); at most MAX_LINKS are kept */
  links?: ReadonlyArray<string | null | undefined>
  kind?: 'server' | 'client' | 'internal'
}

const MAX_LINKS = 32
const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL }

/**
 * Runs `fn` in a span named `name` (when tracing is on); the span ends when `fn` returns
 * or its promise settles, with status ERROR and the exception recorded if it throws.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span?: Span) => T, origin: SpanOrigin = {}): T {
  if (!enabled) return fn()
  const parentCtx = origin.parent ? contextOf(origin.parent) : context.active()
  const links: Link[] = []
  for (const tp of new Set(origin.links ?? [])) {
    const sc = tp ? spanContextOf(tp) : undefined
    if (sc && links.length < MAX_LINKS) links.push({ context: sc })
  }
  const options = { attributes, links, kind: KINDS[origin.kind ?? 'internal'] }
  return tracer().startActiveSpan(name, options, parentCtx, (span) => {
    const fail = (err: unknown): never => {
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? (err as Error).message })
      span.end()
      throw err
    }
    let result: T
    try {
      result = fn(span)
    } catch (err) {
      return fail(err)
    }
    if (result instanceof Promise)
      return result.then((v: unknown) => {
        span.end()
        return v
      }, fail) as T
    span.end()
    return result
  })
}

/** The active span as a W3C traceparent, to store with a job; undefined when tracing is off or no span is active. */
export function currentTraceParent(): string | undefined {
  if (!enabled) return undefined
  const sc = trace.getSpan(context.active())?.spanContext()
  if (!sc || !trace.isSpanContextValid(sc)) return undefined
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED) === 1 ? '01' : '00'}`
}

/** `trace_id` and `span_id` of the active span, for every log line (pino's mixin: it merges into the object it gets, so always a new one). */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  if (!enabled) return {}
  const sc = trace.getSpan(context.active())?.spanContext()
  return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {}
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A W3C traceparent (version 00) as a remote span context; undefined when malformed or all zeros. */
export function spanContextOf(traceparent: string): SpanContext | undefined {
  const m = TRACEPARENT.exec(traceparent.trim())
  if (!m) return undefined
  const sc = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & 1, isRemote: true }
  return trace.isSpanContextValid(sc) ? sc : undefined
}

function contextOf(traceparent: string): Context {
  const sc = spanContextOf(traceparent)
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : context.active()
}
