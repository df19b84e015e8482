import t from 'tap'
import { sendAlert } from '../../src/alerts/index.js'
import { deadLetterDigest, heldMessage } from '../../src/alerts/messages.js'
import { slackReceiver } from '../alerts/receivers.js'

const link = (path: string): string => `https://relay.example${path}`

// A sender chose the email a dead letter's reason quotes: Slack must show it, never act on it.
t.test('sender-supplied values reach Slack as text: no channel ping, no disguised link', async (t) => {
  const slack = await slackReceiver()
  t.teardown(() => slack.close())
  const digest = deadLetterDigest(
    2,
    [
      { id: 1, eventId: 'e1', location: 'main', lastError: 'contact <!channel>@x.co refused by HighLevel' },
      {
        id: 2,
        eventId: 'e2&x',
        location: 'main',
        lastError: 'no contact <https://evil.example/login|Reset-password>@evil.co & more',
      },
    ],
    Date.now(),
    link,
  )
  const held = heldMessage('Loc <@U123>', 'fire', 'paused by <!here>', Date.now() - 60_000, Date.now(), link)
  for (const [i, m] of [digest, held].entries())
    await sendAlert('team', { type: 'slack', url: slack.url }, m, `a${i}`, { timeoutMs: 2000, now: Date.now() })
  const [first, second] = slack.received.map((r) => (JSON.parse(r.body) as { text: string }).text)
  t.notMatch(first, /<!channel>/, 'no @channel ping')
  t.notMatch(first, /<https:\/\/evil/, 'no link of the sender')
  t.match(first, '&lt;!channel&gt;@x.co', 'the email shown as sent')
  t.match(first, '&lt;https://evil.example/login|Reset-password&gt;@evil.co &amp; more')
  t.match(first, '<https://relay.example/console/dead-letters>', 'our own links still work')
  t.match(first, '<https://relay.example/console/events/e2%26x>', 'an id cannot break out of its link')
  t.notMatch(second, /<!here>|<@U123>/, 'no ping from a location name or reason')
  t.match(second, '&lt;!here&gt;')
})
