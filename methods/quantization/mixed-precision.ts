/**
 * Mixed precision: per-layer weight bits under a size budget (survey §3.1, HAWQ-style).
 *
 *   sensitivity Ω_{j,b}, one of
 *     measured: increase of the calibration loss when only layer j has its weights quantized at
 *               b bits (the rest float; activations float)
 *     hessian:  HAWQ-v2's second-order estimate ½·Tr(H_j)/n_j · ‖Q_b(W_j) − W_j‖², with Tr(H_j)
 *               from Hutchinson's estimator (hessian-trace.ts)
 *   allocation: argmin Σ_j Ω_{j,b_j}  s.t.  Σ_j n_j·b_j ≤ budget·Σ_j n_j  (exhaustive search over
 *               the few layers of these nets; additivity assumed, as HAWQ)
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { layerHessianTraces, type TraceEstimate } from './hessian-trace.ts'
import { forwardTf, netTensors, outChannels, type QNet, weightedLayers } from './qnet.ts'
import { quantizeWeights, type WeightQuantConfig } from './weight-quant.ts'

/** Mean softmax cross-entropy of the net with some layers' weights replaced. */
export function lossWith(
  net: QNet,
  x: Float32Array,
  y: Int32Array,
  replace: ReadonlyMap<number, Float32Array>,
): number {
  const layers = weightedLayers(net)
  const t = netTensors(
    net,
    layers.map((l, j) => replace.get(j) ?? l.w),
  )
  try {
    return tf.tidy(() => {
      const xt = tf.tensor(x, [y.length, ...net.inputShape])
      const out = forwardTf(net, t, xt)
      const loss = tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.tensor1d(y, 'int32'), out.shape[1] as number),
        out,
      )
      return loss.dataSync()[0] as number
    })
  } finally {
    for (const p of t) tf.dispose([p.w, p.b])
  }
}

/** Ω[j][k]: loss increase with layer j alone at bits[k]. */
export function sensitivities(
  net: QNet,
  x: Float32Array,
  y: Int32Array,
  bits: readonly number[],
  base: Omit<WeightQuantConfig, 'bits'>,
): number[][] {
  const ref = lossWith(net, x, y, new Map())
  return weightedLayers(net).map((l, j) =>
    bits.map((b) => {
      const q = quantizeWeights(l.w, outChannels(l), { ...base, bits: b })
      return lossWith(net, x, y, new Map([[j, q.values]])) - ref
    }),
  )
}

/**
 * Ω[j][k] = ½·Tr(H_j)/n_j · ‖Q_{bits[k]}(W_j) − W_j‖², and the trace estimates (inputs only: the
 * cross-entropy's Hessian in the logits, diag(p) − ppᵀ, does not involve labels).
 */
export function hessianSensitivities(
  net: QNet,
  x: Float32Array,
  bits: readonly number[],
  base: Omit<WeightQuantConfig, 'bits'>,
  samples: number,
  rng: Rng,
): { omega: number[][]; traces: TraceEstimate } {
  const traces = layerHessianTraces(net, x, samples, rng)
  const omega = weightedLayers(net).map((l, j) =>
    bits.map((b) => {
      const q = quantizeWeights(l.w, outChannels(l), { ...base, bits: b }).values
      let e = 0
      for (let i = 0; i < q.length; i++) e += ((q[i] as number) - (l.w[i] as number)) ** 2
      return (0.5 * (traces.trace[j] as number) * e) / l.w.length
    }),
  )
  return { omega, traces }
}

/** The allocation (bits per layer) minimising Σ Ω under the average-bits budget. */
export function allocateBits(
  omega: readonly (readonly number[])[],
  sizes: readonly number[],
  bits: readonly number[],
  averageBits: number,
): number[] {
  const total = sizes.reduce((a, b) => a + b, 0)
  const budget = averageBits * total + 1e-9
  let best: number[] | undefined
  let bestCost = Number.POSITIVE_INFINITY
  const pick = new Array<number>(sizes.length).fill(0)
  const search = (j: number, used: number, cost: number) => {
    if (used > budget) return
    if (j === sizes.length) {
      if (cost >= bestCost) return
      bestCost = cost
      best = pick.map((k) => bits[k] as number)
      return
    }
    for (let k = 0; k < bits.length; k++) {
      pick[j] = k
      search(
        j + 1,
        used + (sizes[j] as number) * (bits[k] as number),
        cost + ((omega[j] as number[])[k] as number),
      )
    }
  }
  search(0, 0, 0)
  if (!best)
    throw new RangeError(`Cannot allocate bits: no allocation fits ${averageBits} bits on average`)
  return best
}
