/**
 * Counts of refused requests by source and error code, in memory. A plain object rather
 * than a metrics library so that the Prometheus endpoint (metrics/) exports it as
 * `tagrelay_rejections_total{source,code}` without this module knowing about it.
 * Unknown source names are counted under "(unknown)": a caller cannot grow the map.
 */
export class RejectionCounter {
  readonly #counts = new Map<string, Map<string, number>>()

  inc(source: string, code: string): void {
    let byCode = this.#counts.get(source)
    if (!byCode) this.#counts.set(source, (byCode = new Map()))
    byCode.set(code, (byCode.get(code) ?? 0) + 1)
  }

  get(source: string, code: string): number {
    return this.#counts.get(source)?.get(code) ?? 0
  }

  total(): number {
    let n = 0
    for (const byCode of this.#counts.values()) for (const c of byCode.values()) n += c
    return n
  }

  entries(): Array<{ source: string; code: string; count: number }> {
    const out: Array<{ source: string; code: string; count: number }> = []
    for (const [source, byCode] of this.#counts) for (const [code, count] of byCode) out.push({ source, code, count })
    return out
  }
}
