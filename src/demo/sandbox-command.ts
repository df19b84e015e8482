import { once } from 'node:events'
import { codes, TagrelayError } from '../errors.js'
import { startSandbox, type FaultSettingsInput } from '../sandbox/index.js'

export interface SandboxArgs {
  port?: string
  host?: string
  token?: string[]
  oauth?: string[]
  agency?: string
  'app-webhook-url'?: string
  'shared-secret'?: string
  'clock-scale'?: string
  'latency-ms'?: string
  'error-rate'?: string[]
  'timeout-rate'?: string
  'reset-rate'?: string
  outage?: string
}

const usage = (message: string) => new TagrelayError(codes.TAGRELAY_USAGE, message)

function number(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw usage(`--${flag}: "${raw}" is not a non-negative number`)
  return value
}

function pairs(flag: string, list: string[] | undefined, sep: string, parts: number): string[][] {
  return (list ?? []).map((item) => {
    const split = item.split(sep)
    if (split.length !== parts || split.some((s) => s === '')) throw usage(`--${flag}: cannot read "${item}"`)
    return split
  })
}

/** The fault flags as the sandbox's fault settings (validated again by the sandbox). */
export function faultsFromArgs(args: SandboxArgs): FaultSettingsInput {
  const outage =
    args.outage === undefined ? null : pairs('outage', [args.outage], ':', 2)[0]!.map((n) => number('outage', n, 0))
  return {
    latencyMs: number('latency-ms', args['latency-ms'], 0),
    timeoutRate: number('timeout-rate', args['timeout-rate'], 0),
    resetRate: number('reset-rate', args['reset-rate'], 0),
    errorRates: Object.fromEntries(
      pairs('error-rate', args['error-rate'], '=', 2).map(([s, r]) => [s, number('error-rate', r, 0)]),
    ),
    outage: outage === null ? null : { startsInMs: outage[0]!, durationMs: outage[1]! },
  }
}

function agencyFromArgs(args: SandboxArgs): { companyId: string; count: number } | null {
  if (args.agency === undefined) return null
  const [companyId, n] = pairs('agency', [args.agency], ':', 2)[0]!
  const count = number('agency', n, 0)
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw usage(`--agency: "${n}" locations (must be a whole number from 1 to 100,000)`)
  return { companyId: companyId!, count }
}

export interface RunSandboxOptions {
  /** resolves when the sandbox should stop (default: SIGINT or SIGTERM) */
  until?: Promise<unknown>
  log?: (line: string) => void
}

/** `tagrelay sandbox`: the HighLevel stand-in on its own, for trying configs and benchmarks by hand. */
export async function runSandbox(args: SandboxArgs, opts: RunSandboxOptions = {}): Promise<void> {
  const log = opts.log ?? console.log
  const port = Number(args.port ?? '4010')
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`--port: "${args.port}" is not a port number`)
  const tokens: Record<string, string> = {}
  for (const [token, location] of pairs('token', args.token ?? ['sandbox-token=ve9EPM428h8vShlRW1KT'], '=', 2))
    tokens[token!] = location!
  const oauth = pairs('oauth', args.oauth, ':', 3)
  const clockScale = number('clock-scale', args['clock-scale'], 1)
  if (clockScale === 0) throw usage('--clock-scale must be above 0')
  const agency = agencyFromArgs(args)
  let sandbox
  try {
    sandbox = await startSandbox({
      host: args.host ?? '127.0.0.1',
      port,
      tokens,
      clockScale,
      faults: faultsFromArgs(args),
      oauthClients: Object.fromEntries(oauth.map(([id, secret]) => [id, secret])),
      ...(args['app-webhook-url'] === undefined ? {} : { appWebhookUrl: args['app-webhook-url'] }),
      ...(args['shared-secret'] === undefined ? {} : { sharedSecret: args['shared-secret'] }),
    })
  } catch (err) {
    if (err instanceof TagrelayError) throw err
    throw usage(`sandbox: ${(err as Error).message}`)
  }
  log(`HighLevel sandbox listening on ${sandbox.url} for locations ${[...new Set(Object.values(tokens))].join(', ')}`)
  for (const [id, , location] of oauth) {
    log(`OAuth client ${id} on ${location}: initial refresh token ${sandbox.issueRefreshToken(id!, location!)}`)
  }
  if (agency !== null) {
    const locationIds = sandbox.addCompanyLocations(agency.companyId, agency.count)
    sandbox.chooseInstall({ userType: 'Company', companyId: agency.companyId, locationIds })
    log(`installs approve agency ${agency.companyId} with ${agency.count} locations (${locationIds[0]}, ...)`)
  }
  log(`install page: ${sandbox.url}/oauth/chooselocation (auto-approves); app webhook key ${sandbox.webhookPublicKey}`)
  if (args['shared-secret'] !== undefined)
    log(
      `Custom Page: ${sandbox.url}/custom-page?user=location-user&location=LOCATION_ID&target=<tagrelay>/console/highlevel (user: agency-admin, location-user, location-admin)`,
    )
  if (clockScale !== 1) log(`clock runs ${clockScale}x: the 10 s rate-limit window lasts ${10_000 / clockScale} ms`)
  log(`faults: POST ${sandbox.url}/_sandbox/faults, counters: GET ${sandbox.url}/_sandbox/calls`)
  await (opts.until ?? Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]))
  await sandbox.close()
}
