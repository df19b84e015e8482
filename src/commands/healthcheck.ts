import type { ServerConfig } from '../config/index.js'

/**
 * `tagrelay healthcheck`: GET /healthz on the address the config (and TAGRELAY_HOST /
 * TAGRELAY_PORT) makes the server listen on. Why a command rather than a fixed URL in
 * the Dockerfile: a port set in the YAML must move the health check with it. A wildcard
 * bind address is reached through the loopback of the same family.
 */
export async function healthcheck(
  server: Pick<ServerConfig, 'host' | 'port'>,
  timeoutMs = 2000,
): Promise<{ healthy: boolean; message: string }> {
  const url = healthUrl(server)
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    return res.ok
      ? { healthy: true, message: `healthy: ${url} answered ${res.status}` }
      : { healthy: false, message: `unhealthy: ${url} answered ${res.status}` }
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).name
    return { healthy: false, message: `unhealthy: ${url} did not answer (${cause})` }
  }
}

export function healthUrl({ host, port }: Pick<ServerConfig, 'host' | 'port'>): string {
  const target = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${target.includes(':') ? `[${target}]` : target}:${port}/healthz`
}
