import { api, app, fail, h, say } from '../core.js'

// Sign in with the admin token or admin.viewerToken: POST /admin/session sets an HttpOnly
// cookie, so the token itself is never kept by the browser.
const next = new URLSearchParams(location.search).get('next')
const target = next && next.startsWith('/console/') ? next : '/console/events'

const input = h('input', {
  id: 'token',
  name: 'token',
  type: 'password',
  autocomplete: 'current-password',
  required: true,
  'aria-describedby': 'token-help',
})
const form = h(
  'form',
  { class: 'card', onsubmit: signIn },
  h('label', { for: 'token' }, 'Admin or viewer token'),
  input,
  h('p', { id: 'token-help', class: 'help' }, 'admin.token, or admin.viewerToken to look without changing anything.'),
  h('button', { type: 'submit' }, 'Sign in'),
)

async function signIn(e) {
  e.preventDefault()
  say('Signing in…')
  try {
    await api('POST', '/admin/session', { token: input.value })
    location.assign(target)
  } catch (err) {
    fail(err)
    input.focus()
    input.select()
  }
}

app().append(form)
input.focus()
