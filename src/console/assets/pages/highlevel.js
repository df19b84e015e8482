// The Custom Page's entry (/console/highlevel): on to the page asked for, inside the frame,
// whose boot() signs in with HighLevel's user context (framed.js). Nothing is asked here:
// a third-party frame may keep no storage, so each page asks HighLevel once anyway.
const next = new URLSearchParams(location.search).get('next')
location.replace(next && next.startsWith('/console/highlevel/') ? next : '/console/highlevel/events')
