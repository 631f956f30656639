/**
 * Calibrators choose the clipping range [α, β] of a quantizer from sample values (survey §3.1):
 *
 * - `minmax`: the observed range.
 * - `p99.9`, `p99.99`, `p99.999`: the p-th percentile of |r| (symmetric) or of r at both tails.
 * - `mse`: argmin over a grid c·[α, β], c ∈ [0.3, 1], of the squared fake-quantization error.
 * - `kl`: TensorRT's entropy calibration (kl-calibrator.ts).
 *
 * Every calibrator sees every value: min-max and the KL histogram are O(n), percentiles are exact
 * order statistics by selection (expected O(n)). One documented approximation: MSE scores each
 * candidate range on a seeded uniform sample of MSE_MAX_SAMPLES values when there are more (its
 * candidate ranges still come from the exact min and max); a uniform sample gives an unbiased
 * estimate of the mean squared error. Thinning by a fixed stride is never used: tensors are stored
 * with the output channel as the last axis, so a stride dividing the channel count sees only some
 * channels (a stride of 2 on a [784, 300] kernel missed every odd channel's outliers).
 */
import { Rng } from '../../harness/run/rng.ts'
import { selectKth } from '../../harness/stats/describe.ts'
import { klThreshold } from './kl-calibrator.ts'
import { type QParams, type QuantSpec, qparamsFromRange, quantizeValue } from './quantizer.ts'

export const CALIBRATORS = ['minmax', 'p99.9', 'p99.99', 'p99.999', 'mse', 'kl'] as const
export type Calibrator = (typeof CALIBRATORS)[number]

export interface Range {
  lo: number
  hi: number
}

/** Above this many values, MSE calibration scores its candidates on a uniform sample of them. */
export const MSE_MAX_SAMPLES = 1_000_000
/** The fixed seed of that sample (calibration stays deterministic). */
const MSE_SAMPLE_SEED = 0x6d7365

/** `max` values of x drawn uniformly with replacement by a seeded Rng; x itself when no larger. */
export function uniformSample(x: Float32Array, max: number, seed = MSE_SAMPLE_SEED): Float32Array {
  if (x.length <= max) return x
  const rng = new Rng(seed)
  const out = new Float32Array(max)
  for (let j = 0; j < max; j++) out[j] = x[rng.int(x.length)] as number
  return out
}

export function minMax(x: ArrayLike<number>): Range {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo > hi) throw new RangeError('Cannot calibrate: no values')
  return { lo, hi }
}

/** Linear-interpolated quantile q ∈ [0, 1] of the values in `a` (reordered in place). */
function quantileInPlace(a: Float32Array, q: number): number {
  const pos = q * (a.length - 1)
  const i = Math.floor(pos)
  const lower = selectKth(a, i)
  if (pos === i) return lower
  // After selection every value past i is ≥ a[i]: the next order statistic is their minimum.
  let upper = Number.POSITIVE_INFINITY
  for (let j = i + 1; j < a.length; j++) upper = Math.min(upper, a[j] as number)
  return lower + (pos - i) * (upper - lower)
}

/** Percentile range: |r| at p (symmetric), else r at 1 − p and p. */
export function percentileRange(x: Float32Array, p: number, symmetric: boolean): Range {
  if (!(p > 0 && p <= 100))
    throw new RangeError(`Cannot calibrate: percentile ${p} not in (0, 100]`)
  const q = p / 100
  if (symmetric) {
    const m = quantileInPlace(Float32Array.from(x, Math.abs), q)
    return { lo: -m, hi: m }
  }
  const s = Float32Array.from(x)
  return { lo: Math.min(0, quantileInPlace(s, 1 - q)), hi: Math.max(0, quantileInPlace(s, q)) }
}

/** Squared error of fake-quantizing x with p. */
export function quantError(x: ArrayLike<number>, p: QParams): number {
  let e = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number
    e += (v - p.scale * (quantizeValue(v, p) - p.zeroPoint)) ** 2
  }
  return e
}

/**
 * MSE calibration: the range c·[lo, hi] with the least squared error, c on a grid over [0.3, 1];
 * [lo, hi] is the exact range of x, the error is scored on `uniformSample(x, maxSamples)`.
 */
export function mseRange(
  x: Float32Array,
  spec: QuantSpec,
  steps = 50,
  maxSamples = MSE_MAX_SAMPLES,
): Range {
  const { lo, hi } = minMax(x)
  const sample = uniformSample(x, maxSamples)
  let best = { lo, hi }
  let bestErr = Number.POSITIVE_INFINITY
  for (let k = 0; k < steps; k++) {
    const c = 1 - (0.7 * k) / (steps - 1)
    const r = { lo: lo * c, hi: hi * c }
    const e = quantError(sample, qparamsFromRange(r.lo, r.hi, spec))
    if (e < bestErr) {
      bestErr = e
      best = r
    }
  }
  return best
}

/** The clipping range a calibrator picks for values `x` under `spec`. */
export function calibrateRange(x: Float32Array, spec: QuantSpec, calibrator: Calibrator): Range {
  switch (calibrator) {
    case 'minmax':
      return minMax(x)
    case 'p99.9':
      return percentileRange(x, 99.9, spec.symmetric)
    case 'p99.99':
      return percentileRange(x, 99.99, spec.symmetric)
    case 'p99.999':
      return percentileRange(x, 99.999, spec.symmetric)
    case 'mse':
      return mseRange(x, spec)
    case 'kl': {
      const { lo, hi } = minMax(x)
      const t = klThreshold(x, spec.unsigned ? 2 ** spec.bits : 2 ** (spec.bits - 1))
      return spec.symmetric || lo < 0
        ? { lo: Math.max(lo, -t), hi: Math.min(hi, t) }
        : { lo, hi: t }
    }
    default:
      throw new RangeError(`Cannot calibrate: unknown calibrator "${String(calibrator)}"`)
  }
}

/** Quantizer parameters from a calibrator. */
export function calibrate(x: Float32Array, spec: QuantSpec, calibrator: Calibrator): QParams {
  const r = calibrateRange(x, spec, calibrator)
  return qparamsFromRange(r.lo, r.hi, spec)
}
