import { randomInt } from 'node:crypto'

/** A fresh seed for a run; printed so the run can be replayed with --seed or CHAOS_SEED. */
export function newSeed(): number {
  return randomInt(1, 2 ** 31)
}

/**
 * mulberry32: a tiny seeded generator of floats in [0, 1). Kill moments and fault dice
 * come from it, so a seed replays the same schedule (timing on a busy machine still
 * varies: the seed fixes the plan, not the interleaving).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A whole number in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}
