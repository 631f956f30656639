/**
 * Quantization-aware training (survey §3.1) of a QNet in tfjs, started from a PTQ solution.
 *
 *   forward:  every weight fake-quantized per output channel (symmetric), every activation
 *             quantization point fake-quantized (unsigned); logits at 8 bits fixed
 *   backward: rounding passes gradients straight through (STE, `tf.customGrad`); clipping gives
 *             the clipped STE (zero gradient outside [α, β]) through tf.clipByValue's gradient
 *   methods:
 *     ste   fixed scales: weights max|w|/Q_P recomputed each step, activations from PTQ
 *     pact  learned activation clip α: y = min(x, α), scale α/(2^b − 1) held constant in the
 *           backward pass, so ∂ŷ/∂α = 1 where x ≥ α (Choi et al. 2018); weights as in ste
 *     lsq   learned step sizes for weights (per channel) and activations:
 *           x̂ = s·clip(round(x/s), Q_N, Q_P), the step's gradient scaled by g = 1/√(N·Q_P),
 *           which yields ∂x̂/∂s = round(x/s) − x/s inside and Q_N or Q_P at the clip points
 *   end:      the learned weights and scales become a QuantizedNet (evaluated like PTQ)
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import type { QuantizedNet } from './ptq.ts'
import { forwardTf, netTensors, outChannels, type QNet, weightedLayers } from './qnet.ts'
import { codeRange, type QParams } from './quantizer.ts'

export const QAT_METHODS = ['ste', 'pact', 'lsq'] as const
export type QatMethod = (typeof QAT_METHODS)[number]

export interface QatConfig {
  method: QatMethod
  wBits: number
  aBits: number
  epochs: number
  batchSize: number
  learningRate: number
}

/** round(x) forward, identity backward (the straight-through estimator). */
export const roundSte = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.round(x),
  gradFunc: (dy: tf.Tensor) => dy,
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor

/** Identity forward, zero gradient backward. */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor

/** Forward s, backward g·ds (LSQ's gradient scale). */
export function gradScale(s: tf.Tensor, g: number): tf.Tensor {
  return tf.add(tf.mul(s, g), stopGradient(tf.mul(s, 1 - g)))
}

/** LSQ fake quantization of x with step s (broadcast), codes in [qn, qp]. */
export function lsqQuantize(
  x: tf.Tensor,
  s: tf.Tensor,
  qn: number,
  qp: number,
  g: number,
): tf.Tensor {
  const sg = gradScale(s, g)
  return tf.mul(tf.clipByValue(roundSte(tf.div(x, sg)), qn, qp), sg)
}

/** Fixed-scale fake quantization with the clipped STE (the scale gets no gradient). */
export function steQuantize(
  x: tf.Tensor,
  scale: tf.Tensor | number,
  qn: number,
  qp: number,
): tf.Tensor {
  const s = typeof scale === 'number' ? scale : stopGradient(scale)
  return tf.mul(tf.clipByValue(roundSte(tf.div(x, s)), qn, qp), s)
}

/** Per-output-channel max|w| / qp (channel = last axis), with no gradient. */
function maxAbsScale(w: tf.Tensor, qp: number): tf.Tensor {
  const axes = Array.from({ length: w.rank - 1 }, (_, i) => i)
  return tf.maximum(tf.div(tf.max(tf.abs(w), axes), qp), 1e-8)
}

/** QAT from a PTQ start; see the module comment. `x` are flat input rows, `y` int labels. */
export async function qat(
  start: QuantizedNet,
  x: Float32Array,
  y: Int32Array,
  config: QatConfig,
  rng: Rng,
  hooks: { signal?: AbortSignal; onEpoch?: (epoch: number) => void } = {},
): Promise<QuantizedNet> {
  const net: QNet = start.net
  const layers = weightedLayers(net)
  const { qMin: wqn, qMax: wqp } = codeRange({
    bits: config.wBits,
    symmetric: true,
    restricted: true,
  })
  const aqp = 2 ** config.aBits - 1
  const init = netTensors(net)
  const ws = init.map((p) => tf.variable(p.w))
  const bs = init.map((p) => tf.variable(p.b))
  const points = layers.length // quantization points 0 .. L−1 are learned; point L (logits) is fixed
  const actInit = start.actParams.slice(0, points).map((p) => p.scale)
  const sw = start.wParams.map((ps, j) => {
    const c = outChannels(layers[j] as (typeof layers)[number])
    return tf.variable(
      tf.tensor1d(
        Array.from({ length: c }, (_, k) => (ps[ps.length === 1 ? 0 : k] as QParams).scale),
      ),
    )
  })
  const sa = actInit.map((s) => tf.variable(tf.scalar(s)))
  const alpha = actInit.map((s) => tf.variable(tf.scalar(s * aqp)))
  const logits = start.actParams[points] as QParams
  const trainable: tf.Variable[] = [...ws, ...bs]
  if (config.method === 'lsq') trainable.push(...sw, ...sa)
  if (config.method === 'pact') trainable.push(...alpha)
  const size = net.inputShape.reduce((a, b) => a * b, 1)
  const n = y.length
  const act = (point: number, h: tf.Tensor): tf.Tensor => {
    if (point === points) {
      const q = tf.clipByValue(
        tf.add(roundSte(tf.div(h, logits.scale)), logits.zeroPoint),
        logits.qMin,
        logits.qMax,
      )
      return tf.mul(tf.sub(q, logits.zeroPoint), logits.scale)
    }
    if (config.method === 'lsq') {
      const g = 1 / Math.sqrt((h.size / (h.shape[0] as number)) * aqp)
      return lsqQuantize(h, sa[point] as tf.Variable, 0, aqp, g)
    }
    if (config.method === 'pact') {
      const a = alpha[point] as tf.Variable
      // min(x, α) written as x − relu(x − α): same value and ∂/∂α = [x ≥ α], broadcasting-safe.
      return steQuantize(tf.sub(h, tf.relu(tf.sub(h, a))), tf.div(a, aqp), 0, aqp)
    }
    return steQuantize(h, actInit[point] as number, 0, aqp)
  }
  const quantW = (j: number): tf.Tensor => {
    const w = ws[j] as tf.Variable
    if (config.method === 'lsq')
      return lsqQuantize(
        w,
        sw[j] as tf.Variable,
        wqn,
        wqp,
        1 / Math.sqrt((w.size / (sw[j] as tf.Variable).size) * wqp),
      )
    return steQuantize(w, maxAbsScale(w, wqp), wqn, wqp)
  }
  const opt = tf.train.adam(config.learningRate)
  const order = Array.from({ length: n }, (_, i) => i)
  const shuffle = rng.fork('qat-shuffle')
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffle.shuffle(order)
      for (let s = 0; s < n; s += config.batchSize) {
        hooks.signal?.throwIfAborted()
        const idx = order.slice(s, s + config.batchSize)
        const xb = new Float32Array(idx.length * size)
        for (const [i, r] of idx.entries()) xb.set(x.subarray(r * size, (r + 1) * size), i * size)
        const yb = Int32Array.from(idx, (r) => y[r] as number)
        tf.tidy(() => {
          const xt = tf.tensor(xb, [idx.length, ...net.inputShape])
          const yt = tf.oneHot(tf.tensor1d(yb, 'int32'), 10)
          opt.minimize(
            () => {
              const weights = layers.map((_, j) => ({ w: quantW(j), b: bs[j] as tf.Variable }))
              const out = forwardTf(net, weights, xt, act)
              return tf.losses.softmaxCrossEntropy(yt, out) as tf.Scalar
            },
            false,
            trainable,
          )
        })
      }
      hooks.onEpoch?.(epoch)
      await new Promise((r) => setImmediate(r))
    }
    // Export: learned weights and scales as a QuantizedNet.
    const wParams: QParams[][] = layers.map((_, j) => {
      const scales =
        config.method === 'lsq'
          ? ((sw[j] as tf.Variable).dataSync() as Float32Array)
          : (tf.tidy(() => maxAbsScale(ws[j] as tf.Variable, wqp).dataSync()) as Float32Array)
      return Array.from(scales, (scale) => ({
        scale: Math.abs(scale),
        zeroPoint: 0,
        qMin: wqn,
        qMax: wqp,
      }))
    })
    const actParams: QParams[] = Array.from({ length: points }, (_, i) => {
      const scale =
        config.method === 'lsq'
          ? Math.abs((sa[i] as tf.Variable).dataSync()[0] as number)
          : config.method === 'pact'
            ? Math.abs((alpha[i] as tf.Variable).dataSync()[0] as number) / aqp
            : (actInit[i] as number)
      return { scale, zeroPoint: 0, qMin: 0, qMax: aqp }
    })
    actParams.push(logits)
    const weights = layers.map((_, j) =>
      tf.tidy(() => {
        const w = ws[j] as tf.Variable
        const s = tf.tensor1d((wParams[j] as QParams[]).map((p) => p.scale))
        return tf
          .mul(tf.clipByValue(tf.round(tf.div(w, s)), wqn, wqp), s)
          .dataSync() as Float32Array
      }),
    )
    const biases = layers.map((_, j) => {
      const b = (bs[j] as tf.Variable).dataSync() as Float32Array
      const sIn = (actParams[j] as QParams).scale
      return b.map((v, c) => {
        const s = sIn * ((wParams[j] as QParams[])[c] as QParams).scale
        return Math.round(v / s) * s
      })
    })
    return { net, weights, biases, wParams, actParams }
  } finally {
    tf.dispose([
      ...init.map((p) => p.w),
      ...init.map((p) => p.b),
      ...ws,
      ...bs,
      ...sw,
      ...sa,
      ...alpha,
    ])
    opt.dispose()
  }
}
