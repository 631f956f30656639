/**
 * Calibrators choose the clipping range [α, β] of a quantizer from sample values (survey §3.1):
 *
 * - `minmax`: the observed range.
 * - `p99.9`, `p99.99`, `p99.999`: the p-th percentile of |r| (symmetric) or of r at both tails.
 * - `mse`: argmin over a grid c·[α, β], c ∈ [0.3, 1], of the squared fake-quantization error.
 * - `kl`: TensorRT's entropy calibration (kl-calibrator.ts).
 *
 * Large samples are thinned to at most `maxSamples` values by a fixed stride (deterministic).
 */
import { klThreshold } from './kl-calibrator.ts'
import { type QParams, type QuantSpec, qparamsFromRange, quantizeValue } from './quantizer.ts'

export const CALIBRATORS = ['minmax', 'p99.9', 'p99.99', 'p99.999', 'mse', 'kl'] as const
export type Calibrator = (typeof CALIBRATORS)[number]

export interface Range {
  lo: number
  hi: number
}

/** Every k-th value so that at most `max` remain. */
export function thin(x: Float32Array, max = 200_000): Float32Array {
  if (x.length <= max) return x
  const k = Math.ceil(x.length / max)
  const out = new Float32Array(Math.ceil(x.length / k))
  for (let i = 0, j = 0; i < x.length; i += k, j++) out[j] = x[i] as number
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

/** Linear-interpolated quantile q ∈ [0, 1] of a sorted array. */
function quantileOfSorted(s: Float32Array, q: number): number {
  const pos = q * (s.length - 1)
  const i = Math.floor(pos)
  const a = s[i] as number
  const b = s[Math.min(s.length - 1, i + 1)] as number
  return a + (pos - i) * (b - a)
}

/** Percentile range: |r| at p (symmetric), else r at 1 − p and p. */
export function percentileRange(x: Float32Array, p: number, symmetric: boolean): Range {
  if (!(p > 0 && p <= 100))
    throw new RangeError(`Cannot calibrate: percentile ${p} not in (0, 100]`)
  const q = p / 100
  if (symmetric) {
    const a = Float32Array.from(x, Math.abs).sort()
    const m = quantileOfSorted(a, q)
    return { lo: -m, hi: m }
  }
  const s = Float32Array.from(x).sort()
  return { lo: Math.min(0, quantileOfSorted(s, 1 - q)), hi: Math.max(0, quantileOfSorted(s, q)) }
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

/** MSE calibration: the range c·[lo, hi] with the least squared error, c on a grid over [0.3, 1]. */
export function mseRange(x: Float32Array, spec: QuantSpec, steps = 50): Range {
  const { lo, hi } = minMax(x)
  let best = { lo, hi }
  let bestErr = Number.POSITIVE_INFINITY
  for (let k = 0; k < steps; k++) {
    const c = 1 - (0.7 * k) / (steps - 1)
    const r = { lo: lo * c, hi: hi * c }
    const e = quantError(x, qparamsFromRange(r.lo, r.hi, spec))
    if (e < bestErr) {
      bestErr = e
      best = r
    }
  }
  return best
}

/** The clipping range a calibrator picks for values `x` under `spec`. */
export function calibrateRange(x: Float32Array, spec: QuantSpec, calibrator: Calibrator): Range {
  const v = thin(x)
  switch (calibrator) {
    case 'minmax':
      return minMax(v)
    case 'p99.9':
      return percentileRange(v, 99.9, spec.symmetric)
    case 'p99.99':
      return percentileRange(v, 99.99, spec.symmetric)
    case 'p99.999':
      return percentileRange(v, 99.999, spec.symmetric)
    case 'mse':
      return mseRange(v, spec)
    case 'kl': {
      const { lo, hi } = minMax(v)
      const t = klThreshold(v, spec.unsigned ? 2 ** spec.bits : 2 ** (spec.bits - 1))
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
