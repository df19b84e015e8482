import { listDeadLetters, replayDeadLetters } from '../delivery/index.js'
import { openStore, type StoreSettings } from '../store/index.js'

/**
 * `tagrelay replay`: without --id or --all, lists the dead letters; with them, puts
 * those jobs back in the queue (a running worker picks them up at its next poll).
 */
export async function runReplay(
  storeSettings: StoreSettings,
  opts: { id?: number; all?: boolean },
  out: (line: string) => void = console.log,
): Promise<number[]> {
  const store = await openStore(storeSettings)
  try {
    if (opts.id === undefined && !opts.all) {
      const items = await listDeadLetters(store, { limit: 1000 })
      if (items.length === 0) out('no dead letters')
      for (const d of items) {
        const who = d.contact.id ?? d.contact.email ?? d.contact.phone ?? '?'
        out(
          `${d.id}\tevent ${d.eventId}\t${d.location}\t${who}\t+[${d.add.join(', ')}] -[${d.remove.join(', ')}]\t${d.lastError ?? ''}`,
        )
      }
      out('replay one with --id N, or all with --all')
      return []
    }
    const replayed = await replayDeadLetters(store, opts.all ? 'all' : [opts.id as number])
    out(
      `replayed ${replayed.length} dead letter${replayed.length === 1 ? '' : 's'}${replayed.length > 0 ? `: ${replayed.join(', ')}` : ''}`,
    )
    return replayed
  } finally {
    await store.close()
  }
}
