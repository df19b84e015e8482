/** The parts of an HTTP request that sources look at, free of any web framework. */
export interface InboundRequest {
  source: string
  headers: Record<string, string | string[] | undefined>
  query: Record<string, unknown>
  rawBody: Buffer
}

/** Throws a TagrelayError (401) when the request is not from the configured sender. */
export type Verifier = (req: InboundRequest) => void
