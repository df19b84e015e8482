import { randomUUID } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { sendAlert, testMessage, type AlertsConfig } from '../alerts/index.js'

/**
 * `tagrelay alerts test`: sends a sample alert to every destination now (not through the
 * outbox, so the answer is at hand) and says, per destination, whether it took it.
 * Never prints a URL: a Slack webhook URL is a credential.
 */
export async function runAlertsTest(
  config: AlertsConfig,
  opts: { dispatcher?: Dispatcher } = {},
): Promise<{ ok: boolean; lines: string[] }> {
  const names = Object.keys(config.destinations)
  if (names.length === 0) return { ok: false, lines: ['no alert destinations configured (alerts.destinations)'] }
  const message = testMessage(Date.now())
  const results = await Promise.all(
    names.map(async (name) => {
      const dest = config.destinations[name]!
      try {
        await sendAlert(name, dest, message, `msg_tagrelay_test_${randomUUID()}`, {
          timeoutMs: config.timeoutMs,
          now: Date.now(),
          ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        })
        return { ok: true, line: `${name} (${dest.type}): sent` }
      } catch (err) {
        return { ok: false, line: `${name} (${dest.type}): FAILED: ${(err as Error).message}` }
      }
    }),
  )
  return { ok: results.every((r) => r.ok), lines: results.map((r) => r.line) }
}
