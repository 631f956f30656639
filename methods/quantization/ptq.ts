/**
 * Post-training quantization of a QNet, simulated in float (fake quantization).
 *
 *   1. cross-layer equalisation (optional)
 *   2. calibrate activation ranges at every quantization point on the float network
 *      (A bits, unsigned asymmetric codes; the logits always 8 bits, min-max; the input by
 *      min-max when the calibrator is KL, see calibrateActivations)
 *   3. per weighted layer, in order:
 *        weights: uniform / non-uniform quantizer, nearest or stochastic rounding, or AdaRound
 *                 against the layer's inputs in the partly quantized network
 *        bias:    bias correction (optional), then rounded to the int32 grid S_in·S_w
 *   4. evaluate: the float forward pass with dequantized weights and an activation hook that
 *      fake-quantizes every quantization point
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { adaround, samplePatches } from './adaround.ts'
import { type Calibrator, calibrate } from './calibrators.ts'
import type { WeightScheme } from './non-uniform.ts'
import { biasCorrection, channelMeans, equalizeLayers } from './ptq-helpers.ts'
import {
  type ActivationHook,
  forwardTf,
  netTensors,
  outChannels,
  type QNet,
  type TfLayerWeights,
  weightedLayers,
} from './qnet.ts'
import type { QParams, QuantSpec, Rounding } from './quantizer.ts'
import { type Granularity, quantizeWeights, weightQParams } from './weight-quant.ts'

export interface PtqConfig {
  wBits: number
  aBits: number
  symmetric: boolean
  granularity: Granularity
  wCalib: Calibrator
  aCalib: Calibrator
  rounding: Rounding | 'adaround'
  scheme: WeightScheme
  biasCorrection: boolean
  equalize: boolean
  /** @default 300 */
  adaroundIterations?: number
  /** Reconstruct after the layer's activation. @default true */
  adaroundPostActivation?: boolean
  /** @default 30 / adaroundIterations */
  adaroundLr?: number | undefined
}

/** A fake-quantized network: the (equalised) float net plus dequantized weights and act ranges. */
export interface QuantizedNet {
  net: QNet
  weights: Float32Array[]
  biases: Float32Array[]
  /** Uniform weight quantizers per weighted layer (empty for codebooks). */
  wParams: QParams[][]
  /** One per quantization point (input, then each weighted layer's output). */
  actParams: QParams[]
  /** With AdaRound: per weighted layer, the fraction of weights its soft rounding left undecided. */
  undecided?: number[]
}

export function activationSpec(bits: number): QuantSpec {
  return { bits, symmetric: false, unsigned: true }
}

/** Fake quantization of a tensor with one uniform quantizer (tf ops, round half to even). */
export function fakeQuantTf(x: tf.Tensor, p: QParams): tf.Tensor {
  const q = tf.clipByValue(tf.add(tf.round(tf.div(x, p.scale)), p.zeroPoint), p.qMin, p.qMax)
  return tf.mul(tf.sub(q, p.zeroPoint), p.scale)
}

/** The hook that fake-quantizes every quantization point with `actParams`. */
export function activationHook(actParams: readonly QParams[]): ActivationHook {
  return (point, x) => {
    const p = actParams[point]
    return p ? fakeQuantTf(x, p) : x
  }
}

/** Tensors of the given weights and biases; the caller disposes them. */
export function quantizedTensors(
  q: Pick<QuantizedNet, 'net' | 'weights' | 'biases'>,
): TfLayerWeights[] {
  const t = netTensors(q.net, q.weights)
  return t.map((p, i) => {
    const b = q.biases[i]
    if (!b) return p
    p.b.dispose()
    return { w: p.w, b: tf.tensor1d(b) }
  })
}

/** Runs `fn` on the input of weighted layer `j` for inputs `x` (flat rows) and returns its values. */
function layerInputs(
  net: QNet,
  weights: readonly TfLayerWeights[],
  x: Float32Array,
  j: number,
  act?: ActivationHook,
): Float32Array {
  const size = net.inputShape.reduce((a, b) => a * b, 1)
  let captured: Float32Array | undefined
  tf.tidy(() => {
    const xb = tf.tensor(x, [x.length / size, ...net.inputShape])
    forwardTf(net, weights.slice(0, j + 1), xb, act, (layer, input) => {
      if (layer === j) captured = input.dataSync() as Float32Array
    })
  })
  if (!captured) throw new Error(`Cannot capture the input of layer ${j}`)
  return captured
}

/** Calibrates activation ranges on `calibX` (float net, equalised if asked). */
function calibrateActivations(
  net: QNet,
  calibX: Float32Array,
  aBits: number,
  calib: Calibrator,
): QParams[] {
  const t = netTensors(net)
  const seen: Float32Array[][] = []
  try {
    const size = net.inputShape.reduce((a, b) => a * b, 1)
    for (let s = 0; s < calibX.length; s += 500 * size) {
      tf.tidy(() => {
        const part = calibX.subarray(s, Math.min(calibX.length, s + 500 * size))
        const xb = tf.tensor(part, [part.length / size, ...net.inputShape])
        forwardTf(net, t, xb, (point, h) => {
          ;(seen[point] ??= []).push(h.dataSync() as Float32Array)
          return h
        })
      })
    }
  } finally {
    for (const p of t) tf.dispose([p.w, p.b])
  }
  const points = weightedLayers(net).length + 1
  return Array.from({ length: points }, (_, i) => {
    const parts = seen[i] ?? []
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
    let o = 0
    for (const p of parts) {
      all.set(p, o)
      o += p.length
    }
    const last = i === points - 1
    // KL on the network input fails on MNIST: pixels are multiples of 1/255, so only every 8th of
    // the 2048 bins is occupied, and at 16 levels a tiny threshold (one bin per group: Q ≈ P but
    // for the outlier bin) scores lower than the full range; it clipped the input at 0.009 and
    // top-1 fell to 10 %. The input's range is known ([0, 1]): min-max there, KL inside.
    const c = last || (i === 0 && calib === 'kl') ? 'minmax' : calib
    return calibrate(all, activationSpec(last ? 8 : aBits), c)
  })
}

/** PTQ of `net` with calibration inputs `calibX` (flat rows); see the module comment. */
export function ptq(net0: QNet, calibX: Float32Array, config: PtqConfig, rng: Rng): QuantizedNet {
  const net = config.equalize ? equalizeLayers(net0) : net0
  const actParams = calibrateActivations(net, calibX, config.aBits, config.aCalib)
  const hook = activationHook(actParams)
  const layers = weightedLayers(net)
  const weights: Float32Array[] = []
  const biases: Float32Array[] = []
  const wParams: QParams[][] = []
  const undecided: number[] = []
  const floatT = netTensors(net)
  const size = net.inputShape.reduce((a, b) => a * b, 1)
  const nCalib = calibX.length / size
  try {
    layers.forEach((l, j) => {
      const channels = outChannels(l)
      const fanIn = l.w.length / channels
      const wc = {
        bits: config.wBits,
        symmetric: config.symmetric,
        granularity: config.granularity,
        calibrator: config.wCalib,
        rounding: config.rounding === 'stochastic' ? ('stochastic' as const) : ('nearest' as const),
        scheme: config.scheme,
      }
      let values: Float32Array
      let params: QParams[]
      const needInputs = config.rounding === 'adaround' || config.biasCorrection
      let xq: Float32Array | undefined
      let xf: Float32Array | undefined
      if (needInputs) {
        const sub = calibX.subarray(0, Math.min(nCalib, l.kind === 'conv' ? 256 : 1000) * size)
        const partial = quantizedTensors({
          net,
          weights: [...weights, l.w],
          biases: [...biases, l.b],
        })
        try {
          xq = layerInputs(net, partial, sub, j, hook)
          xf = layerInputs(net, floatT, sub, j)
        } finally {
          for (const p of partial) tf.dispose([p.w, p.b])
        }
      }
      if (config.rounding === 'adaround' && config.scheme === 'uniform' && xq && xf) {
        params = weightQParams(l.w, channels, wc)
        let rows = [xq, xf]
        if (l.kind === 'conv') {
          const nSub = Math.min(nCalib, 256)
          const side = Math.round(Math.sqrt(xq.length / l.cin / nSub))
          const shape = { n: nSub, h: side, w: side, c: l.cin }
          rows = samplePatches([xq, xf], shape, l.k, 4096, rng.fork(`patches-${j}`))
        }
        const r = adaround(
          l.w,
          fanIn,
          channels,
          params,
          rows[0] as Float32Array,
          rows[1] as Float32Array,
          {
            rng: rng.fork(`adaround-${j}`),
            iterations: config.adaroundIterations ?? 300,
            learningRate: config.adaroundLr ?? 30 / (config.adaroundIterations ?? 300),
            bias: l.b,
            relu: l.relu && (config.adaroundPostActivation ?? true),
          },
        )
        values = r.values
        undecided.push(r.undecided)
      } else {
        const q = quantizeWeights(l.w, channels, wc, rng.fork(`round-${j}`))
        values = q.values
        params = q.params
      }
      let b = l.b
      if (config.biasCorrection && xq) {
        const cin = l.kind === 'dense' ? l.fanIn : l.cin
        b = biasCorrection(l, values, channelMeans(xq, cin))
      }
      const sIn = (actParams[j] as QParams).scale
      if (params.length > 0) {
        b = b.map((v, c) => {
          const s = sIn * (params[params.length === 1 ? 0 : c] as QParams).scale
          return Math.round(v / s) * s
        })
      }
      weights.push(values)
      biases.push(b)
      wParams.push(params)
    })
  } finally {
    for (const p of floatT) tf.dispose([p.w, p.b])
  }
  return {
    net,
    weights,
    biases,
    wParams,
    actParams,
    ...(undecided.length > 0 ? { undecided } : {}),
  }
}
