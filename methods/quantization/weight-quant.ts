/**
 * Weight quantization of one layer: uniform (per tensor or per output channel, a calibrator for
 * the clipping range, nearest or stochastic rounding) or non-uniform (PoT, APoT, k-means, with the
 * calibrator's range as the largest level for PoT/APoT).
 */
import type { Rng } from '../../harness/run/rng.ts'
import { type Calibrator, calibrateRange } from './calibrators.ts'
import { codebook, quantizeToLevels, type WeightScheme } from './non-uniform.ts'
import {
  channelValues,
  fakeQuantize,
  type QParams,
  type QuantSpec,
  qparamsFromRange,
  type Rounding,
} from './quantizer.ts'

export const GRANULARITIES = ['tensor', 'channel'] as const
export type Granularity = (typeof GRANULARITIES)[number]

export interface WeightQuantConfig {
  bits: number
  symmetric: boolean
  granularity: Granularity
  calibrator: Calibrator
  rounding: Rounding
  scheme: WeightScheme
}

export interface QuantizedWeights {
  /** Dequantized weights, same layout as the input. */
  values: Float32Array
  /** Uniform quantizer per channel (length `channels`) or per tensor (length 1); empty for codebooks. */
  params: QParams[]
}

export function weightSpec(c: Pick<WeightQuantConfig, 'bits' | 'symmetric'>): QuantSpec {
  return { bits: c.bits, symmetric: c.symmetric, restricted: true }
}

/** Uniform quantizer parameters of `w` (channel = last axis of size `channels`). */
export function weightQParams(w: Float32Array, channels: number, c: WeightQuantConfig): QParams[] {
  const spec = weightSpec(c)
  const groups =
    c.granularity === 'tensor'
      ? [w]
      : Array.from({ length: channels }, (_, k) => channelValues(w, channels, k))
  return groups.map((g) => {
    const r = calibrateRange(g, spec, c.calibrator)
    return qparamsFromRange(r.lo, r.hi, spec)
  })
}

/** Quantizes the weights `w` of a layer with `channels` outputs. */
export function quantizeWeights(
  w: Float32Array,
  channels: number,
  c: WeightQuantConfig,
  rng?: Rng,
): QuantizedWeights {
  if (c.scheme === 'uniform') {
    const params = weightQParams(w, channels, c)
    return { values: fakeQuantize(w, params, c.rounding, rng), params }
  }
  const spec = { bits: c.bits, symmetric: true }
  const scheme = c.scheme
  const quantizeGroup = (g: Float32Array) => {
    const r = calibrateRange(g, spec, c.calibrator)
    return quantizeToLevels(
      g,
      codebook(scheme, c.bits, g, Math.max(Math.abs(r.lo), Math.abs(r.hi))),
    )
  }
  if (c.granularity === 'tensor') return { values: quantizeGroup(w), params: [] }
  const out = new Float32Array(w.length)
  for (let k = 0; k < channels; k++) {
    const q = quantizeGroup(channelValues(w, channels, k))
    for (let i = k, j = 0; i < w.length; i += channels, j++) out[i] = q[j] as number
  }
  return { values: out, params: [] }
}
