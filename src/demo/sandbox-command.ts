import { once } from 'node:events'
import { TagrelayError } from '../errors.js'
import { startSandbox } from '../highlevel/index.js'

interface SandboxArgs {
  port?: string
  host?: string
  token?: string[]
}

/** `tagrelay sandbox`: the HighLevel stand-in on its own, for trying configs by hand. */
export async function runSandbox(args: SandboxArgs): Promise<void> {
  const port = Number(args.port ?? '4010')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TagrelayError('TAGRELAY_USAGE', `--port: "${args.port}" is not a port number`, 2)
  }
  const tokens: Record<string, string> = {}
  for (const pair of args.token ?? ['sandbox-token=ve9EPM428h8vShlRW1KT']) {
    const eq = pair.indexOf('=')
    if (eq <= 0 || eq === pair.length - 1) {
      throw new TagrelayError('TAGRELAY_USAGE', `--token: expected TOKEN=LOCATION_ID, got "${pair}"`, 2)
    }
    tokens[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const sandbox = await startSandbox({ host: args.host ?? '127.0.0.1', port, tokens })
  console.log(`HighLevel sandbox listening on ${sandbox.url} for locations ${[...new Set(Object.values(tokens))].join(', ')}`)
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  await sandbox.close()
}
