import type { Verifier } from '../types.js'

/** Where a sender puts its delivery id, for dedupe: a header or a path in the parsed body. */
export type DedupeSource = { header: string } | { path: string }

/** What a `verify.type` module builds from its config. */
export interface BuiltVerifier {
  verify: Verifier
  /** headers carrying a credential or signature: never stored or logged */
  secretHeaders: string[]
  /** query parameters carrying a credential: masked in logs */
  secretQuery: string[]
  /**
   * those of `secretHeaders` that carry a reusable credential (a token), not a signature
   * of this one request: kept only as a hash with a refused request
   */
  credentialHeaders?: string[]
  /** the sender's own delivery id, used for dedupe unless the source configures another */
  dedupe?: DedupeSource
  /**
   * the signature covers the body and nothing else (no timestamp, id or URL): a captured
   * request stays valid forever, so dedupe by the body's hash is on by default
   */
  signsBodyOnly?: boolean
}
