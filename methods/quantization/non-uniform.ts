/**
 * Non-uniform weight quantizers (survey §3.1): each maps a weight to the nearest level of a
 * codebook, so b bits index at most 2^b levels.
 *
 * - `pot` (power of two): ±α·2^{−k}, k = 0 .. 2^{b−1} − 2, and 0 (2^b − 1 levels).
 * - `apot` (additive powers of two, two terms): magnitudes t₁ + t₂ with t₁ ∈ {0, 2⁰, 2⁻², ...}
 *   and t₂ ∈ {0, 2⁻¹, 2⁻³, ...}, the b − 1 magnitude bits split between the terms, scaled to
 *   max α, mirrored for the sign.
 * - `kmeans`: 2^b centroids from Lloyd's algorithm on the weights (Deep Compression), started
 *   from evenly spaced levels, so it is deterministic.
 */

export const WEIGHT_SCHEMES = ['uniform', 'pot', 'apot', 'kmeans'] as const
export type WeightScheme = (typeof WEIGHT_SCHEMES)[number]

function mirror(magnitudes: readonly number[], alpha: number): Float64Array {
  const m = [...new Set(magnitudes)].sort((a, b) => a - b)
  const top = m[m.length - 1] as number
  const out = new Set<number>()
  for (const v of m) {
    out.add((v / top) * alpha)
    out.add(-(v / top) * alpha)
  }
  return Float64Array.from([...out].sort((a, b) => a - b))
}

/** Signed power-of-two levels for `bits`, largest magnitude `alpha`. */
export function potLevels(bits: number, alpha: number): Float64Array {
  const mags = [0]
  for (let k = 0; k <= 2 ** (bits - 1) - 2; k++) mags.push(2 ** -k)
  return mirror(mags, alpha)
}

/** Signed additive-powers-of-two levels (two terms) for `bits`, largest magnitude `alpha`. */
export function apotLevels(bits: number, alpha: number): Float64Array {
  const k = bits - 1
  const k1 = Math.ceil(k / 2)
  const k2 = k - k1
  const t1 = [0]
  for (let i = 0; i <= 2 ** k1 - 2; i++) t1.push(2 ** (-2 * i))
  const t2 = [0]
  for (let i = 0; i <= 2 ** k2 - 2; i++) t2.push(2 ** (-2 * i - 1))
  const mags: number[] = []
  for (const a of t1) for (const b of t2) mags.push(a + b)
  return mirror(mags, alpha)
}

/** Index of the level nearest to v in sorted `levels` (ties to the lower level). */
export function nearestLevel(levels: Float64Array, v: number): number {
  let lo = 0
  let hi = levels.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if ((levels[mid] as number) <= v) lo = mid
    else hi = mid
  }
  return Math.abs(v - (levels[lo] as number)) <= Math.abs((levels[hi] as number) - v) ? lo : hi
}

/** Each value replaced by its nearest level. */
export function quantizeToLevels(x: ArrayLike<number>, levels: Float64Array): Float32Array {
  const out = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) out[i] = levels[nearestLevel(levels, x[i] as number)] as number
  return out
}

/** 1-D k-means (Lloyd) with `k` centroids started evenly over [min, max]; sorted centroids. */
export function kmeans1d(x: ArrayLike<number>, k: number, iterations = 25): Float64Array {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = 0; i < x.length; i++) {
    lo = Math.min(lo, x[i] as number)
    hi = Math.max(hi, x[i] as number)
  }
  if (!(hi >= lo)) throw new RangeError('Cannot run k-means: no values')
  let c = Float64Array.from({ length: k }, (_, j) =>
    k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1),
  )
  const sum = new Float64Array(k)
  const count = new Float64Array(k)
  for (let it = 0; it < iterations; it++) {
    sum.fill(0)
    count.fill(0)
    for (let i = 0; i < x.length; i++) {
      const j = nearestLevel(c, x[i] as number)
      sum[j] = (sum[j] as number) + (x[i] as number)
      count[j] = (count[j] as number) + 1
    }
    const next = c.map((v, j) =>
      (count[j] as number) > 0 ? (sum[j] as number) / (count[j] as number) : v,
    )
    next.sort()
    const moved = next.some((v, j) => v !== c[j])
    c = next
    if (!moved) break
  }
  return c
}

/** Codebook of a non-uniform scheme for values `x` with clipping magnitude `alpha`. */
export function codebook(
  scheme: Exclude<WeightScheme, 'uniform'>,
  bits: number,
  x: ArrayLike<number>,
  alpha: number,
): Float64Array {
  switch (scheme) {
    case 'pot':
      return potLevels(bits, alpha)
    case 'apot':
      return apotLevels(bits, alpha)
    case 'kmeans':
      return kmeans1d(x, 2 ** bits)
    default:
      throw new RangeError(`Cannot build a codebook: unknown scheme "${String(scheme)}"`)
  }
}
