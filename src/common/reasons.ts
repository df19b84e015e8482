import { codes } from '../errors.js'

/**
 * A delivery error (`TAGRELAY_*: detail`, as jobs keep it) in plain words, for the people
 * who read the console and the alerts: the words first, the code kept beside them. One
 * table, used by the event page's answer, dead letters, locations and alert texts.
 */
const WORDS: Record<string, (where: string) => string> = {
  [codes.TAGRELAY_CONTACT_NOT_FOUND]: (w) =>
    `the contact was not found in HighLevel${w}: create it there, then re-deliver`,
  [codes.TAGRELAY_HL_UNAUTHORIZED]: (w) =>
    `HighLevel refused the credentials${w} (401): the token is bad or was revoked; put a new one in the config or reconnect`,
  [codes.TAGRELAY_HL_FORBIDDEN]: (w) =>
    `HighLevel forbade the call${w} (403): the token lacks a scope or does not cover this location`,
  [codes.TAGRELAY_HL_OAUTH_REFRESH_FAILED]: (w) =>
    `the app's OAuth token could not be refreshed${w}: reconnect the app`,
  [codes.TAGRELAY_HL_BAD_REQUEST]: (w) => `HighLevel rejected the request${w} as invalid`,
  [codes.TAGRELAY_HL_SERVER_ERROR]: (w) => `HighLevel answered with a server error${w}`,
  [codes.TAGRELAY_HL_TIMEOUT]: (w) => `HighLevel did not answer in time${w}`,
  [codes.TAGRELAY_HL_NETWORK]: (w) => `HighLevel could not be reached${w}`,
  [codes.TAGRELAY_HL_BAD_RESPONSE]: (w) => `HighLevel's answer could not be read${w}`,
}

/** The code of a kept error (`TAGRELAY_X: …`), or null. */
export function errorCode(error: string | null | undefined): string | null {
  return /^(TAGRELAY_[A-Z0-9_]+)\b/.exec(error ?? '')?.[1] ?? null
}

/** Plain words for a kept error; `location` (a name) says where. Unknown codes keep their own message. */
export function reasonInWords(error: string | null | undefined, location?: string): string {
  if (!error) return 'no reason was recorded'
  const code = errorCode(error)
  const words = code ? WORDS[code] : undefined
  if (words) return words(location ? ` at location ${location}` : '')
  return code ? error.slice(code.length).replace(/^:\s*/, '') || code : error
}
