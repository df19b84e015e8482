import { boot } from '../core.js'

// The Custom Page's entry (/console/highlevel): boot() signs in with HighLevel's user
// context (framed.js), then on to the page asked for, inside the frame.
const next = new URLSearchParams(location.search).get('next')
const target = next && next.startsWith('/console/highlevel/') ? next : '/console/highlevel/events'

boot(async () => {
  location.replace(target)
})
