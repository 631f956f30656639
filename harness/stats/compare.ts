/**
 * Comparing two sets of measurements: rank test, effect sizes, ratio-of-medians bootstrap,
 * outlier flags, geometric means of ratios, and seed-paired differences. Pure functions; the
 * only randomness is the injected `Rng` of the bootstrap.
 *
 * Conventions: `a` is the contender, `b` the baseline. Differences are a - b, ratios a / b.
 * Quantiles are R's type 7 (linear interpolation), so medians and quartiles match R and numpy.
 */
import type { Rng } from '../run/rng.ts'
import { median, medianInPlace, quantile, quantileSorted } from './describe.ts'
import { normalCdf, tCdf, tQuantile } from './distributions.ts'

function checkSample(xs: readonly number[], action: string, name: string): void {
  if (xs.length === 0) throw new RangeError(`Cannot compute ${action}: sample "${name}" is empty`)
  for (const x of xs) {
    if (!Number.isFinite(x))
      throw new RangeError(`Cannot compute ${action}: sample "${name}" holds ${x}`)
  }
}

function checkLevel(level: number, action: string): void {
  if (!(level > 0 && level < 1))
    throw new RangeError(`Cannot compute ${action}: level = ${level} must be in (0, 1)`)
}

function sorted(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort()
}

/** Number of elements of ascending `s` that are < x (strict) or ≤ x. */
function countBelow(s: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0
  let hi = s.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const v = s[mid] as number
    if (v < x || (orEqual && v === x)) lo = mid + 1
    else hi = mid
  }
  return lo
}

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U

export interface MannWhitneyResult {
  /** U of sample a: pairs with a > b, plus half the ties (R's `W`). */
  u: number
  /** Two-sided p-value. */
  p: number
  method: 'exact' | 'normal'
}

/** Largest sample size for which the exact null distribution is used (no ties). */
export const MANN_WHITNEY_EXACT_MAX = 25

/** Counts of U = 0..mn over all C(m+n, m) arrangements (Mann & Whitney 1947 recurrence). */
function uDistribution(m: number, n: number): Float64Array {
  // f[j][u] for the current i: f_{i,j}(u) = f_{i-1,j}(u - j) + f_{i,j-1}(u)
  const size = m * n + 1
  let prev: Float64Array[] = []
  for (let j = 0; j <= n; j++) {
    const row = new Float64Array(size)
    row[0] = 1
    prev.push(row)
  }
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = []
    const first = new Float64Array(size)
    first[0] = 1
    cur.push(first)
    for (let j = 1; j <= n; j++) {
      const row = new Float64Array(size)
      const up = prev[j] as Float64Array
      const left = cur[j - 1] as Float64Array
      for (let u = 0; u <= i * j; u++) {
        row[u] = (left[u] as number) + (u >= j ? (up[u - j] as number) : 0)
      }
      cur.push(row)
    }
    prev = cur
  }
  return prev[n] as Float64Array
}

export interface MannWhitneyOptions {
  /**
   * `auto`: exact when neither sample has more than {@link MANN_WHITNEY_EXACT_MAX} values and
   * there are no ties, else normal. `exact` throws on ties.
   * @default 'auto'
   */
  method?: 'auto' | 'exact' | 'normal'
}

/**
 * Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of a against b. Exact p-value by the
 * recurrence over the null distribution of U when the samples are small and untied; otherwise the
 * normal approximation with tie and continuity corrections (as R's `wilcox.test`).
 */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const method = options.method ?? 'auto'
  checkSample(a, 'Mann-Whitney U', 'a')
  checkSample(b, 'Mann-Whitney U', 'b')
  const m = a.length
  const n = b.length
  // Mid-ranks of the pooled sample, and the tie groups for the variance correction.
  const pooled = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))]
  pooled.sort((x, y) => x.v - y.v)
  let rankSumA = 0
  let tieTerm = 0
  for (let i = 0; i < pooled.length; ) {
    let j = i
    while (j + 1 < pooled.length && pooled[j + 1]?.v === pooled[i]?.v) j++
    const t = j - i + 1
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (pooled[k]?.fromA) rankSumA += rank
    tieTerm += t * t * t - t
    i = j + 1
  }
  const u = rankSumA - (m * (m + 1)) / 2
  const hasTies = tieTerm > 0
  if (method === 'exact' && hasTies)
    throw new RangeError('Cannot compute an exact Mann-Whitney p-value: the samples hold ties')
  const small = m <= MANN_WHITNEY_EXACT_MAX && n <= MANN_WHITNEY_EXACT_MAX
  if (method === 'exact' || (method === 'auto' && !hasTies && small)) {
    const counts = uDistribution(m, n)
    let total = 0
    for (const c of counts) total += c
    // P(U ≤ q) on the side nearer the observed U, doubled (R: pwilcox).
    let tail = 0
    if (u > (m * n) / 2) for (let k = u; k <= m * n; k++) tail += counts[k] as number
    else for (let k = 0; k <= u; k++) tail += counts[k] as number
    return { u, p: Math.min(1, (2 * tail) / total), method: 'exact' }
  }
  const N = m + n
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1))))
  const diff = u - (m * n) / 2
  if (sigma === 0) return { u, p: 1, method: 'normal' }
  const z = (diff - Math.sign(diff) * 0.5) / sigma
  const p = Math.min(1, 2 * Math.min(normalCdf(z), normalCdf(-z)))
  return { u, p, method: 'normal' }
}

// ---------------------------------------------------------------------------------------------
// Effect sizes

export type CliffsMagnitude = 'negligible' | 'small' | 'medium' | 'large'

export interface CliffsDeltaResult {
  /** P(a > b) - P(a < b), in [-1, 1]. */
  delta: number
  /** Romano et al. (2006) thresholds on |delta|: 0.147, 0.33, 0.474. */
  magnitude: CliffsMagnitude
}

/** Cliff's delta of a over b with its magnitude label. */
export function cliffsDelta(a: readonly number[], b: readonly number[]): CliffsDeltaResult {
  checkSample(a, "Cliff's delta", 'a')
  checkSample(b, "Cliff's delta", 'b')
  const sb = sorted(b)
  let dominance = 0
  for (const x of a) {
    const less = countBelow(sb, x, false)
    const lessOrEqual = countBelow(sb, x, true)
    dominance += less - (sb.length - lessOrEqual)
  }
  const delta = dominance / (a.length * b.length)
  const d = Math.abs(delta)
  const magnitude: CliffsMagnitude =
    d < 0.147 ? 'negligible' : d < 0.33 ? 'small' : d < 0.474 ? 'medium' : 'large'
  return { delta, magnitude }
}

/** First j in [0, n) with x - sb[j] ≤ d (x - sb[j] falls as j grows, rounding included). */
function firstDiffAtMost(sb: Float64Array, x: number, d: number): number {
  let lo = 0
  let hi = sb.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x - (sb[mid] as number) <= d) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Pairs (i, j) with sa[i] - sb[j] ≤ d, for ascending sa and sb. */
function countDiffsAtMost(sa: Float64Array, sb: Float64Array, d: number): number {
  let count = 0
  for (const x of sa) count += sb.length - firstDiffAtMost(sb, x, d)
  return count
}

/** The k-th smallest (0-based) of all sa[i] - sb[j], without materializing the m·n differences. */
function kthDiff(sa: Float64Array, sb: Float64Array, k: number): number {
  const m = sa.length
  const n = sb.length
  const enumerateLimit = 1 << 20
  // Invariant: count(lo) ≤ k < count(hi), so the answer lies in (lo, hi].
  let lo = (sa[0] as number) - (sb[n - 1] as number)
  let hi = (sa[m - 1] as number) - (sb[0] as number)
  if (countDiffsAtMost(sa, sb, lo) > k) return lo
  for (;;) {
    const below = countDiffsAtMost(sa, sb, lo)
    const within = countDiffsAtMost(sa, sb, hi) - below
    if (within <= enumerateLimit) {
      const diffs = new Float64Array(within)
      let w = 0
      for (const x of sa) {
        const to = firstDiffAtMost(sb, x, lo)
        for (let j = firstDiffAtMost(sb, x, hi); j < to; j++) diffs[w++] = x - (sb[j] as number)
      }
      diffs.sort()
      return diffs[k - below] as number
    }
    const mid = lo + (hi - lo) / 2
    if (mid <= lo || mid >= hi) return hi
    if (countDiffsAtMost(sa, sb, mid) > k) hi = mid
    else lo = mid
  }
}

/** Hodges-Lehmann shift estimate of a - b: the median of all pairwise differences a_i - b_j. */
export function hodgesLehmann(a: readonly number[], b: readonly number[]): number {
  checkSample(a, 'Hodges-Lehmann shift', 'a')
  checkSample(b, 'Hodges-Lehmann shift', 'b')
  const sa = sorted(a)
  const sb = sorted(b)
  const total = sa.length * sb.length
  const k = Math.floor((total - 1) / 2)
  const first = kthDiff(sa, sb, k)
  return total % 2 === 1 ? first : (first + kthDiff(sa, sb, k + 1)) / 2
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

export interface BootstrapOptions {
  /** Seeded generator; the same seed gives the same interval. */
  rng: Rng
  /** @default 2000 */
  resamples?: number
  /** @default 0.95 */
  level?: number
}

export interface RatioInterval {
  /** The point ratio, e.g. median(a) / median(b). */
  ratio: number
  lo: number
  hi: number
}

/** The q-quantile of a resample of `s` drawn into `buf` (the median by quickselect). */
function resampleQuantile(s: readonly number[], q: number, rng: Rng, buf: Float64Array): number {
  for (let i = 0; i < buf.length; i++) buf[i] = s[rng.int(s.length)] as number
  if (q === 0.5) return medianInPlace(buf)
  return quantileSorted(buf.sort(), q)
}

/**
 * Ratio of quantiles quantile(a, q) / quantile(b, q) with a percentile bootstrap interval: a and
 * b are resampled independently, `resamples` times, drawing from `rng`.
 */
export function bootstrapRatioOfQuantiles(
  a: readonly number[],
  b: readonly number[],
  q: number,
  options: BootstrapOptions,
): RatioInterval {
  const action = q === 0.5 ? 'bootstrap ratio of medians' : 'bootstrap ratio of quantiles'
  checkSample(a, action, 'a')
  checkSample(b, action, 'b')
  const { rng, resamples = 2000, level = 0.95 } = options
  checkLevel(level, action)
  if (!(q >= 0 && q <= 1))
    throw new RangeError(`Cannot compute ${action}: q = ${q} must be in [0, 1]`)
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`Cannot compute ${action}: resamples = ${resamples} must be >= 1`)
  const qb = quantile(b, q)
  const which = q === 0.5 ? 'median' : `${q}-quantile`
  if (qb === 0) throw new RangeError(`Cannot compute ${action}: the ${which} of "b" is 0`)
  const ratios = new Float64Array(resamples)
  const bufA = new Float64Array(a.length)
  const bufB = new Float64Array(b.length)
  for (let r = 0; r < resamples; r++) {
    ratios[r] = resampleQuantile(a, q, rng, bufA) / resampleQuantile(b, q, rng, bufB)
  }
  ratios.sort()
  const alpha = (1 - level) / 2
  return {
    ratio: quantile(a, q) / qb,
    lo: quantileSorted(ratios, alpha),
    hi: quantileSorted(ratios, 1 - alpha),
  }
}

/**
 * Ratio of medians median(a) / median(b) with a percentile bootstrap interval: a and b are
 * resampled independently, `resamples` times, drawing from `rng`.
 */
export function bootstrapRatioOfMedians(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions,
): RatioInterval {
  return bootstrapRatioOfQuantiles(a, b, 0.5, options)
}

// ---------------------------------------------------------------------------------------------
// Outliers

export interface OutlierOptions {
  /**
   * `tukey`: outside [Q1 - k·IQR, Q3 + k·IQR] (k defaults to 1.5).
   * `mad`: modified z-score |x - median| / (1.4826·MAD) above k (k defaults to 3.5, Iglewicz
   * and Hoaglin); when the MAD is 0, the mean absolute deviation times 1.2533 stands in for it.
   */
  method: 'tukey' | 'mad'
  k?: number
}

/** Flags outliers (true = outlier), one flag per value; nothing is dropped. */
export function outlierFlags(xs: readonly number[], options: OutlierOptions): boolean[] {
  checkSample(xs, 'outlier flags', 'xs')
  const s = sorted(xs)
  if (options.method === 'tukey') {
    const k = options.k ?? 1.5
    const q1 = quantileSorted(s, 0.25)
    const q3 = quantileSorted(s, 0.75)
    const iqr = q3 - q1
    return xs.map((x) => x < q1 - k * iqr || x > q3 + k * iqr)
  }
  if (options.method === 'mad') {
    const k = options.k ?? 3.5
    const med = quantileSorted(s, 0.5)
    const deviations = xs.map((x) => Math.abs(x - med))
    let scale = 1.482602218505602 * median(deviations)
    if (scale === 0) scale = 1.2533141373155 * (deviations.reduce((t, d) => t + d, 0) / xs.length)
    if (scale === 0) return xs.map(() => false)
    return deviations.map((d) => d / scale > k)
  }
  throw new TypeError(
    `Cannot compute outlier flags: method "${String((options as { method: unknown }).method)}" is not one of "tukey", "mad"`,
  )
}

// ---------------------------------------------------------------------------------------------
// Geometric means

/** Geometric mean of positive values. */
export function geomean(xs: readonly number[]): number {
  checkSample(xs, 'geometric mean', 'xs')
  let sum = 0
  for (const x of xs) {
    if (!(x > 0)) throw new RangeError(`Cannot compute geometric mean: value ${x} is not > 0`)
    sum += Math.log(x)
  }
  return Math.exp(sum / xs.length)
}

export interface GeomeanRatioResult {
  /** Geometric mean of the ratios. */
  geomean: number
  /** t-based interval on the mean log ratio, exponentiated; absent when n < 2. */
  lo?: number
  hi?: number
  n: number
}

/**
 * Geometric mean of ratios (e.g. per-benchmark speedups) with a t interval computed in log space:
 * exp(mean(ln r) ± t_{(1+level)/2, n-1} · sd(ln r) / √n).
 */
export function geomeanRatio(
  ratios: readonly number[],
  options: { level?: number } = {},
): GeomeanRatioResult {
  const level = options.level ?? 0.95
  checkLevel(level, 'geometric mean ratio')
  const g = geomean(ratios)
  const n = ratios.length
  if (n < 2) return { geomean: g, n }
  const logs = ratios.map(Math.log)
  const mean = Math.log(g)
  const sd = Math.sqrt(logs.reduce((t, l) => t + (l - mean) ** 2, 0) / (n - 1))
  const half = (tQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n)
  return { geomean: g, lo: Math.exp(mean - half), hi: Math.exp(mean + half), n }
}

// ---------------------------------------------------------------------------------------------
// Seed pairing

export interface PairedResult {
  /** Seeds present in both maps, ascending. */
  seeds: number[]
  /** a(seed) - b(seed), in the order of `seeds`. */
  diffs: number[]
  n: number
  mean: number
  /** Sample standard deviation of the differences; absent when n < 2. */
  sd?: number
  /** Paired t interval of the mean difference; absent when n < 2. */
  lo?: number
  hi?: number
  /** Two-sided paired t-test p-value; absent when n < 2. */
  p?: number
  /** Seeds found in only one of the maps (not used). */
  onlyA: number[]
  onlyB: number[]
}

/** Pairs a and b by seed and summarizes the differences a - b with a paired t interval. */
export function pairedBySeed(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
  options: { level?: number } = {},
): PairedResult {
  const level = options.level ?? 0.95
  checkLevel(level, 'paired differences')
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y)
  const onlyA = [...a.keys()].filter((s) => !b.has(s)).sort((x, y) => x - y)
  const onlyB = [...b.keys()].filter((s) => !a.has(s)).sort((x, y) => x - y)
  if (seeds.length === 0)
    throw new RangeError(
      'Cannot compute paired differences: no seed is present in both "a" and "b"',
    )
  const diffs = seeds.map((s) => (a.get(s) as number) - (b.get(s) as number))
  checkSample(diffs, 'paired differences', 'a - b')
  const n = diffs.length
  const mean = diffs.reduce((t, d) => t + d, 0) / n
  if (n < 2) return { seeds, diffs, n, mean, onlyA, onlyB }
  const sd = Math.sqrt(diffs.reduce((t, d) => t + (d - mean) ** 2, 0) / (n - 1))
  const se = sd / Math.sqrt(n)
  const half = tQuantile((1 + level) / 2, n - 1) * se
  const p = se === 0 ? (mean === 0 ? 1 : 0) : 2 * tCdf(-Math.abs(mean / se), n - 1)
  return { seeds, diffs, n, mean, sd, lo: mean - half, hi: mean + half, p, onlyA, onlyB }
}
