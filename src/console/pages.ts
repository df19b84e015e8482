/**
 * The console's pages, in the order of the navigation. Adding a page is one entry here
 * and one module in `assets/pages/<name>.js` (it renders into `#app` through the admin
 * API). `nav: false` pages are reached by links (one event) or before signing in.
 */
export interface ConsolePage {
  name: string
  title: string
  nav: boolean
}

export const PAGES: readonly ConsolePage[] = [
  { name: 'events', title: 'Events', nav: true },
  { name: 'dead-letters', title: 'Dead letters', nav: true },
  { name: 'locations', title: 'Locations', nav: true },
  { name: 'rules', title: 'Rules', nav: true },
  { name: 'refused', title: 'Refused requests', nav: true },
  { name: 'alerts', title: 'Alerts', nav: true },
  { name: 'event', title: 'Event', nav: false },
  { name: 'sign-in', title: 'Sign in', nav: false },
  { name: 'portal', title: 'Opening the console', nav: false },
]

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

/** Where the console's pages live: `/console`, or `/console/highlevel` framed in HighLevel. */
export const FRAMED_BASE = '/console/highlevel'

/** A page framed in HighLevel (a Custom Page): the origins its script accepts the user context from. */
export interface FramedShell {
  parentOrigins: readonly string[]
}

/**
 * The HTML shell of a page: navigation and an empty `main` that the page's module fills
 * from the admin API. No data is rendered here, so nothing a sender wrote can reach the
 * HTML unescaped: the modules set text, never markup. A framed shell links inside
 * `/console/highlevel`, has no sign-out (HighLevel signed the user in) and tells its
 * script which parent origins may answer for the user.
 */
export function pageShell(page: ConsolePage, framed?: FramedShell): string {
  const base = framed ? FRAMED_BASE : '/console'
  const nav = PAGES.filter((p) => p.nav)
    .map(
      (p) =>
        `<li><a href="${base}/${p.name}"${p.name === page.name || (page.name === 'event' && p.name === 'events') ? ' aria-current="page"' : ''}>${escape(p.title)}</a></li>`,
    )
    .join('')
  const signOut = framed ? '' : ' <button type="button" id="sign-out">Sign out</button>'
  const header =
    page.name === 'sign-in' || page.name === 'portal' || page.name === 'highlevel'
      ? ''
      : `<header><nav aria-label="Console"><a class="brand" href="${base}/events">tagrelay</a><ul>${nav}</ul><p class="who"><span id="scope"></span> <span id="who"></span>${signOut}</p></nav></header>`
  const frame = framed ? ` data-framed="true" data-parent-origins="${escape(framed.parentOrigins.join(' '))}"` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)} · tagrelay console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<link rel="modulepreload" href="/console/assets/core.js">
<script type="module" src="/console/assets/pages/${page.name}.js"></script>
</head>
<body data-page="${page.name}"${frame}>
<a class="skip" href="#main">Skip to content</a>
${header}
<main id="main" tabindex="-1">
<h1 id="title">${escape(page.title)}</h1>
<p id="status" role="status" aria-live="polite"></p>
<div id="app"></div>
</main>
</body>
</html>
`
}
