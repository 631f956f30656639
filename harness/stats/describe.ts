/**
 * Descriptive statistics over small samples (seeds, timing samples): centre, spread, and 95%
 * confidence intervals by Student's t and by a seeded percentile bootstrap.
 */
import type { Rng } from '../run/rng.ts'
import { normalQuantile, tQuantile } from './distributions.ts'

function need(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`Cannot compute ${what}: the sample is empty`)
}

export function mean(xs: readonly number[]): number {
  need(xs, 'a mean')
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sd(xs: readonly number[]): number {
  need(xs, 'a standard deviation')
  if (xs.length < 2) return 0
  const m = mean(xs)
  let s = 0
  for (const x of xs) s += (x - m) ** 2
  return Math.sqrt(s / (xs.length - 1))
}

/** Type-7 quantile of an already ascending array (no copy, no checks). */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const h = (s.length - 1) * q
  const lo = Math.floor(h)
  const a = s[lo] as number
  const b = s[Math.min(lo + 1, s.length - 1)] as number
  return a + (h - lo) * (b - a)
}

/** Quantile by linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  need(xs, 'a quantile')
  if (q < 0 || q > 1)
    throw new RangeError(`Cannot compute a quantile: q must be in [0, 1], got ${q}`)
  return quantileSorted(Float64Array.from(xs).sort(), q)
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5)
}

/**
 * The k-th smallest value of `a` (0-based), by quickselect (Hoare partition, median-of-three
 * pivot). Reorders `a` so that a[k] holds it and every value after k is at least a[k].
 */
export function selectKth(a: Float32Array | Float64Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < a.length))
    throw new RangeError(`Cannot select: k = ${k} not in [0, ${a.length})`)
  let lo = 0
  let hi = a.length - 1
  while (hi > lo) {
    const x = a[lo] as number
    const y = a[(lo + hi) >>> 1] as number
    const z = a[hi] as number
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z))
    let i = lo
    let j = hi
    while (i <= j) {
      while ((a[i] as number) < pivot) i++
      while ((a[j] as number) > pivot) j--
      if (i <= j) {
        const t = a[i] as number
        a[i] = a[j] as number
        a[j] = t
        i++
        j--
      }
    }
    // [lo, j] ≤ pivot ≤ [i, hi]; anything strictly between j and i equals the pivot.
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k] as number
  }
  return a[k] as number
}

/** Type-7 median of `buf` without sorting it (reorders `buf`); for bootstrap inner loops. */
export function medianInPlace(buf: Float64Array): number {
  const h = (buf.length - 1) / 2
  const lo = Math.floor(h)
  const a = selectKth(buf, lo)
  if (h === lo) return a
  // The element after `lo` in sorted order is the minimum of the upper part.
  let b = Number.POSITIVE_INFINITY
  for (let i = lo + 1; i < buf.length; i++) b = Math.min(b, buf[i] as number)
  return a + (h - lo) * (b - a)
}

/**
 * Distribution-free 95% CI of the median from order statistics (binomial ranks, normal
 * approximation): no resampling, so it is cheap for the thousands of samples of a timing.
 */
export function medianInterval(xs: readonly number[], level = 0.95): Interval {
  need(xs, 'a median interval')
  const s = Float64Array.from(xs).sort()
  const n = s.length
  const z = normalQuantile(1 - (1 - level) / 2)
  const half = (z * Math.sqrt(n)) / 2
  const lo = Math.max(0, Math.floor(n / 2 - half))
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1)
  return { lo: s[lo] as number, hi: s[Math.max(lo, hi)] as number }
}

/** Interquartile range, Q3 − Q1. */
export function iqr(xs: readonly number[]): number {
  return quantile(xs, 0.75) - quantile(xs, 0.25)
}

/** Median absolute deviation (unscaled). */
export function mad(xs: readonly number[]): number {
  const m = median(xs)
  return median(xs.map((x) => Math.abs(x - m)))
}

export interface Interval {
  lo: number
  hi: number
}

/** t-based confidence interval for the mean; a single value gives [x, x] (no spread known). */
export function tInterval(xs: readonly number[], level = 0.95): Interval {
  const m = mean(xs)
  if (xs.length < 2) return { lo: m, hi: m }
  const half = tQuantile(1 - (1 - level) / 2, xs.length - 1) * (sd(xs) / Math.sqrt(xs.length))
  return { lo: m - half, hi: m + half }
}

/** Percentile bootstrap CI of `statistic` (default the mean), seeded. */
export function bootstrapInterval(
  xs: readonly number[],
  rng: Rng,
  options: { level?: number; resamples?: number; statistic?: (s: number[]) => number } = {},
): Interval {
  need(xs, 'a bootstrap interval')
  const { level = 0.95, resamples = 2000, statistic = mean } = options
  const stats = new Array<number>(resamples)
  const sample = new Array<number>(xs.length)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < xs.length; i++) sample[i] = xs[rng.int(xs.length)] as number
    stats[r] = statistic(sample)
  }
  return { lo: quantile(stats, (1 - level) / 2), hi: quantile(stats, 1 - (1 - level) / 2) }
}

export interface Summary {
  n: number
  mean: number
  sd: number
  median: number
  iqr: number
  mad: number
  min: number
  max: number
  /** 95% t interval of the mean. */
  ci: Interval
}

export function summarize(xs: readonly number[]): Summary {
  return {
    n: xs.length,
    mean: mean(xs),
    sd: sd(xs),
    median: median(xs),
    iqr: iqr(xs),
    mad: mad(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    ci: tInterval(xs),
  }
}
