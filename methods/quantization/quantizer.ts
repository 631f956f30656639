/**
 * Uniform quantizers (survey §3.1): affine (asymmetric) and symmetric, full or restricted range,
 * per tensor or per channel, with nearest (half to even, as ONNX QuantizeLinear) or stochastic
 * rounding.
 *
 *   q = clamp(round(r / S) + Z, qMin, qMax)      r̃ = S · (q − Z)
 *
 * Asymmetric: S = (β − α) / (2^b − 1), Z = round(−α / S), α ≤ 0 ≤ β (zero exactly representable).
 * Symmetric full range: S = 2·max|r| / (2^b − 1); restricted: S = max|r| / (2^{b−1} − 1), Z = 0.
 */
import type { Rng } from '../../harness/run/rng.ts'

export interface QuantSpec {
  bits: number
  /** Z = 0 and a range symmetric about zero. */
  symmetric: boolean
  /** Symmetric only: drop the most negative code (int8 in [−127, 127]). @default true */
  restricted?: boolean
  /** Unsigned codes (activations after ReLU): [0, 2^b − 1]. @default false */
  unsigned?: boolean
}

/** Scale, zero point and integer code range of one quantizer. */
export interface QParams {
  scale: number
  zeroPoint: number
  qMin: number
  qMax: number
}

export const ROUNDINGS = ['nearest', 'stochastic'] as const
export type Rounding = (typeof ROUNDINGS)[number]

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16)
    throw new RangeError(`Cannot quantize: bits = ${bits} must be an integer in [1, 16]`)
}

/** Integer code range of a spec. */
export function codeRange(spec: QuantSpec): { qMin: number; qMax: number } {
  checkBits(spec.bits)
  const levels = 2 ** spec.bits
  if (spec.unsigned) return { qMin: 0, qMax: levels - 1 }
  const half = levels / 2
  if (spec.symmetric && (spec.restricted ?? true)) return { qMin: -half + 1, qMax: half - 1 }
  return { qMin: -half, qMax: half - 1 }
}

/** Round half to even (banker's rounding), the rule of ONNX QuantizeLinear. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** Quantizer parameters that map the range [lo, hi] onto the spec's codes. */
export function qparamsFromRange(lo: number, hi: number, spec: QuantSpec): QParams {
  const { qMin, qMax } = codeRange(spec)
  if (!(hi >= lo)) throw new RangeError(`Cannot quantize: range [${lo}, ${hi}] is empty`)
  const tiny = 1e-12
  if (spec.symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi), tiny)
    if (spec.unsigned) return { scale: m / qMax, zeroPoint: 0, qMin, qMax }
    const restricted = spec.restricted ?? true
    const scale = restricted ? m / qMax : (2 * m) / (qMax - qMin)
    return { scale, zeroPoint: 0, qMin, qMax }
  }
  const a = Math.min(lo, 0)
  const b = Math.max(hi, 0)
  const scale = Math.max(b - a, tiny) / (qMax - qMin)
  const zeroPoint = Math.min(qMax, Math.max(qMin, qMin + roundHalfEven(-a / scale)))
  return { scale, zeroPoint, qMin, qMax }
}

/** One code from a real value: clamp(round(r / S) + Z). `u` is a uniform draw for stochastic rounding. */
export function quantizeValue(
  r: number,
  p: QParams,
  rounding: Rounding = 'nearest',
  u = 0,
): number {
  const x = r / p.scale
  const q =
    rounding === 'nearest' ? roundHalfEven(x) : Math.floor(x) + (u < x - Math.floor(x) ? 1 : 0)
  return Math.min(p.qMax, Math.max(p.qMin, q + p.zeroPoint))
}

export function dequantizeValue(q: number, p: QParams): number {
  return p.scale * (q - p.zeroPoint)
}

/**
 * Per-channel view of a tensor whose channel is its last axis (tfjs dense [in, out] and conv
 * [kh, kw, cin, cout] kernels): element i belongs to channel i mod `channels`.
 */
export function channelOf(i: number, channels: number): number {
  return i % channels
}

/** Min and max per channel (last axis). */
export function channelRanges(x: Float32Array, channels: number): { lo: number[]; hi: number[] } {
  const lo = new Array<number>(channels).fill(Number.POSITIVE_INFINITY)
  const hi = new Array<number>(channels).fill(Number.NEGATIVE_INFINITY)
  for (let i = 0; i < x.length; i++) {
    const c = i % channels
    const v = x[i] as number
    if (v < (lo[c] as number)) lo[c] = v
    if (v > (hi[c] as number)) hi[c] = v
  }
  return { lo, hi }
}

/** The values of one channel (last axis) as a new array. */
export function channelValues(x: Float32Array, channels: number, c: number): Float32Array {
  const out = new Float32Array(x.length / channels)
  for (let i = c, j = 0; i < x.length; i += channels, j++) out[j] = x[i] as number
  return out
}

/**
 * Integer codes of a tensor under per-channel (length = channels) or per-tensor (length 1)
 * parameters. Stochastic rounding draws from `rng`.
 */
export function quantizeTensor(
  x: Float32Array,
  params: readonly QParams[],
  rounding: Rounding = 'nearest',
  rng?: Rng,
): Int32Array {
  if (rounding === 'stochastic' && !rng)
    throw new TypeError('Cannot round stochastically: no rng was given')
  const channels = params.length
  const out = new Int32Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const p = params[channels === 1 ? 0 : i % channels] as QParams
    out[i] = quantizeValue(x[i] as number, p, rounding, rng ? rng.next() : 0)
  }
  return out
}

export function dequantizeTensor(q: Int32Array, params: readonly QParams[]): Float32Array {
  const channels = params.length
  const out = new Float32Array(q.length)
  for (let i = 0; i < q.length; i++) {
    const p = params[channels === 1 ? 0 : i % channels] as QParams
    out[i] = p.scale * ((q[i] as number) - p.zeroPoint)
  }
  return out
}

/** Fake quantization: quantize then dequantize. */
export function fakeQuantize(
  x: Float32Array,
  params: readonly QParams[],
  rounding: Rounding = 'nearest',
  rng?: Rng,
): Float32Array {
  return dequantizeTensor(quantizeTensor(x, params, rounding, rng), params)
}

/**
 * Dynamic (per-input) activation quantization: the range of `x` itself, asymmetric, per tensor.
 * Static quantization instead uses a range calibrated offline (see calibrators.ts).
 */
export function dynamicQParams(x: Float32Array, spec: QuantSpec): QParams {
  let lo = 0
  let hi = 0
  for (const v of x) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return qparamsFromRange(lo, hi, spec)
}

/** Sum of squared errors between two arrays. */
export function squaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2
  return s
}
