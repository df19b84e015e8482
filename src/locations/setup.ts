import type { Logger } from 'pino'
import type { AppConfig, HighLevelClient, LocationConfig } from '../highlevel/index.js'
import type { Store } from '../store/index.js'
import { AppInstaller } from './installer.js'
import { LocationRegistry } from './registry.js'
import { SealedTokenStore } from './sealed-tokens.js'

export interface LocationsSetup {
  registry: LocationRegistry
  installer: AppInstaller | undefined
  /** the store's tokens, sealed when a secret key is set: every OAuth chain reads and saves through it */
  tokens: SealedTokenStore
}

/** Builds the registry (YAML + installed), the sealed token store and, with highlevel.app, the installer. */
export async function setUpLocations(opts: {
  locations: Record<string, LocationConfig>
  app: AppConfig | undefined
  secretKey: string | undefined
  store: Store
  client: Pick<HighLevelClient, 'refreshAccessToken' | 'installs'>
  logger: Logger
  onRunnable?: (key: string) => void
  syncMs?: number
}): Promise<LocationsSetup> {
  const { store, client, logger } = opts
  const tokens = new SealedTokenStore(store.tokens, opts.secretKey)
  const registry = new LocationRegistry({
    locations: opts.locations,
    app: opts.app,
    directory: store.directory,
    tokens,
    exchange: (grant) => client.refreshAccessToken(grant),
    installs: client.installs,
    logger,
    onRunnable: opts.onRunnable,
    syncMs: opts.syncMs,
  })
  await registry.start()
  const installer = opts.app
    ? new AppInstaller({
        app: opts.app,
        registry,
        directory: store.directory,
        tokens,
        installs: client.installs,
        nonces: store.nonces,
        logger,
      })
    : undefined
  return { registry, installer, tokens }
}
