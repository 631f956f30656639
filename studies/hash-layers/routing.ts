/**
 * Token → expert routing for Hash Layers: fixed hash tables built before training, the features
 * each hash reads, and the load statistics of an assignment.
 *
 *   hash-random     seeded table: expert of token x drawn uniformly, once
 *   hash-balanced   greedy by training frequency: most frequent token first, into the bucket
 *                   with the least token mass so far
 *   hash-clustered  k-means (seeded k-means++ then Lloyd) of a dense model's input embeddings
 *   hash-bigram     an integer hash of (previous token, current token)
 *   hash-position   position in the sequence, mod K
 *   oracle          the random table applied to the *target* token: it reads the answer, a
 *                   cheating upper bound, never a usable router
 *   multihash       N independent random tables, one per segment of the expert weights
 */
import type { Rng } from '../../harness/run/rng.ts'

export const HASH_ROUTINGS = [
  'hash-random',
  'hash-balanced',
  'hash-clustered',
  'hash-bigram',
  'hash-position',
  'oracle',
  'multihash',
] as const
export type HashRouting = (typeof HASH_ROUTINGS)[number]

/** What a hash may read at each of the n = batch·T positions (row-major [batch, T]). */
export interface RouteFeatures {
  /** Current (input) token. */
  cur: Int32Array
  /** Previous token; -1 where there is none. */
  prev: Int32Array
  /** Target (next) token: only the oracle reads it. */
  target: Int32Array
  /** Position in the sequence, 0..T-1. */
  pos: Int32Array
}

/** A fixed router: per segment (one, except for MultiHash), the expert of every position. */
export type HashRouter = (f: RouteFeatures) => Int32Array[]

/** A seeded random token → expert table. */
export function randomTable(vocabSize: number, experts: number, rng: Rng): Int32Array {
  const t = new Int32Array(vocabSize)
  for (let x = 0; x < vocabSize; x++) t[x] = rng.int(experts)
  return t
}

/**
 * Greedy balanced table: tokens by decreasing count (ties by id), each into the currently
 * lightest bucket (ties by lowest expert index), so buckets carry near-equal token mass.
 */
export function balancedTable(counts: ArrayLike<number>, experts: number): Int32Array {
  const order = Array.from({ length: counts.length }, (_, i) => i).sort(
    (a, b) => (counts[b] as number) - (counts[a] as number) || a - b,
  )
  const mass = new Float64Array(experts)
  const t = new Int32Array(counts.length)
  for (const x of order) {
    let best = 0
    for (let e = 1; e < experts; e++) if ((mass[e] as number) < (mass[best] as number)) best = e
    t[x] = best
    mass[best] = (mass[best] as number) + (counts[x] as number)
  }
  return t
}

/** k-means of `rows` vectors of width `dim` into `k` clusters: k-means++ seeding, Lloyd steps. */
export function kMeans(
  data: Float32Array,
  rows: number,
  dim: number,
  k: number,
  rng: Rng,
  iterations = 25,
): Int32Array {
  const centers = new Float64Array(k * dim)
  const dist2 = (i: number, c: number) => {
    let s = 0
    for (let j = 0; j < dim; j++) {
      const d = (data[i * dim + j] as number) - (centers[c * dim + j] as number)
      s += d * d
    }
    return s
  }
  const setCenter = (c: number, i: number) => {
    for (let j = 0; j < dim; j++) centers[c * dim + j] = data[i * dim + j] as number
  }
  setCenter(0, rng.int(rows))
  const best = new Float64Array(rows).fill(Number.POSITIVE_INFINITY)
  for (let c = 1; c < k; c++) {
    let total = 0
    for (let i = 0; i < rows; i++) {
      best[i] = Math.min(best[i] as number, dist2(i, c - 1))
      total += best[i] as number
    }
    let u = rng.next() * total
    let pick = rows - 1
    for (let i = 0; i < rows; i++) {
      u -= best[i] as number
      if (u <= 0) {
        pick = i
        break
      }
    }
    setCenter(c, pick)
  }
  const assign = new Int32Array(rows)
  for (let it = 0; it < iterations; it++) {
    let moved = false
    for (let i = 0; i < rows; i++) {
      let bc = 0
      let bd = dist2(i, 0)
      for (let c = 1; c < k; c++) {
        const d = dist2(i, c)
        if (d < bd) {
          bd = d
          bc = c
        }
      }
      if (assign[i] !== bc || it === 0) moved = true
      assign[i] = bc
    }
    if (!moved) break
    const sums = new Float64Array(k * dim)
    const sizes = new Float64Array(k)
    for (let i = 0; i < rows; i++) {
      const c = assign[i] as number
      sizes[c] = (sizes[c] as number) + 1
      for (let j = 0; j < dim; j++)
        sums[c * dim + j] = (sums[c * dim + j] as number) + (data[i * dim + j] as number)
    }
    for (let c = 0; c < k; c++)
      if ((sizes[c] as number) > 0)
        for (let j = 0; j < dim; j++)
          centers[c * dim + j] = (sums[c * dim + j] as number) / (sizes[c] as number)
  }
  return assign
}

/** A 32-bit integer mix (murmur3 finaliser). */
export function mix32(x: number): number {
  let h = x >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

/** Router reading one table at the current token. */
export function tokenRouter(table: Int32Array): HashRouter {
  return (f) => [f.cur.map((x) => table[x] as number)]
}

/** Router reading one table at the target token (the cheating oracle). */
export function oracleRouter(table: Int32Array): HashRouter {
  return (f) => [f.target.map((x) => table[x] as number)]
}

/** Router hashing (previous, current) token pairs with a salt. */
export function bigramRouter(vocabSize: number, experts: number, salt: number): HashRouter {
  return (f) => [
    f.cur.map((x, i) => mix32(((f.prev[i] as number) + 1) * (vocabSize + 1) + x + salt) % experts),
  ]
}

/** Router by position mod K. */
export function positionRouter(experts: number): HashRouter {
  return (f) => [f.pos.map((t) => t % experts)]
}

/** MultiHash: one table per segment, each read at the current token. */
export function multiHashRouter(tables: readonly Int32Array[]): HashRouter {
  return (f) => tables.map((t) => f.cur.map((x) => t[x] as number))
}

/** Load of an assignment: tokens per expert, max/mean, entropy (bits) and entropy / log2 K. */
export function loadStats(
  assign: ArrayLike<number>,
  experts: number,
): { counts: Float64Array; maxOverMean: number; entropyBits: number; normEntropy: number } {
  const counts = new Float64Array(experts)
  for (let i = 0; i < assign.length; i++) {
    const e = assign[i] as number
    counts[e] = (counts[e] as number) + 1
  }
  const n = assign.length
  let max = 0
  let h = 0
  for (const c of counts) {
    max = Math.max(max, c)
    if (c > 0) h -= (c / n) * Math.log2(c / n)
  }
  return {
    counts,
    maxOverMean: n > 0 ? max / (n / experts) : 0,
    entropyBits: h,
    normEntropy: experts > 1 ? h / Math.log2(experts) : 1,
  }
}
