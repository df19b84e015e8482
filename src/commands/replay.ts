import { compileConfigRules, type Config } from '../config/index.js'
import { listDeadLetters } from '../delivery/index.js'
import { replayUnderRules } from '../rerun/index.js'
import { createSourceRegistry } from '../sources/index.js'
import { openStore } from '../store/index.js'

/**
 * `tagrelay replay`: without --id or --all, lists the dead letters; with them, puts
 * those jobs back in the queue (a running worker picks them up at its next poll), with
 * the `create:` fields the config's rules give now (see replayUnderRules).
 */
export async function runReplay(
  config: Config,
  opts: { id?: number; all?: boolean },
  out: (line: string) => void = console.log,
): Promise<number[]> {
  const store = await openStore(config.store)
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
    const sources = createSourceRegistry(config.sources, {
      publicUrl: config.server.publicUrl,
      bodyLimit: config.server.bodyLimit,
    })
    const deps = { store, rules: compileConfigRules(config), source: (name: string) => sources.get(name) }
    const replayed = await replayUnderRules(deps, opts.all ? 'all' : [opts.id as number])
    out(
      `replayed ${replayed.length} dead letter${replayed.length === 1 ? '' : 's'}${replayed.length > 0 ? `: ${replayed.join(', ')}` : ''}`,
    )
    return replayed
  } finally {
    await store.close()
  }
}
