// The one request the console makes before it has a session: both ways in that are not the
// sign-in form (HighLevel's user context in a frame, a portal link's secret) post JSON and
// get a session back. Its own module because core.js loads framed.js, which needs it.

/**
 * A POST of JSON that opens a session (a portal link's secret, HighLevel's user context):
 * none is sent yet, so no session header, CSRF token or sign-in redirect as `api` has.
 * Answers the response and its JSON (null when it has none).
 */
export async function postForSession(path, body, credentials) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials,
    body: JSON.stringify(body),
  })
  return { res, json: await res.json().catch(() => null) }
}
