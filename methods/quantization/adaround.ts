/**
 * AdaRound (Nagel et al. 2020): learn, per weight, whether to round down or up, by minimising the
 * layer's output reconstruction error on calibration inputs.
 *
 *   W̃(V) = S·(clip(⌊W/S⌋ + Z + h(V), q_min, q_max) − Z),  h(V) = clip(σ(V)(ζ − γ) + γ, 0, 1)
 *   loss = mean_rows ‖f(X̂ W̃ + b) − f(X W + b)‖² + λ Σ (1 − |2h(V) − 1|^β)
 *
 *   f is the layer's activation (ReLU or identity): the paper's final objective reconstructs the
 *   layer's output after its activation, since errors of pre-activations that ReLU clips to zero
 *   do not matter.
 *
 *   init:   V such that h(V) = W/S − ⌊W/S⌋ (the soft start equals the float weight)
 *   steps:  Adam on V over random row batches; λ = 0 for the first 20 % of steps (warm-up),
 *           then β anneals linearly from 20 to 2, pushing every h to 0 or 1. The paper runs
 *           10k+ steps at 1e-3; with a few hundred steps the rate must be larger (ptq.ts uses
 *           30 / steps), else V never leaves the warm-start region, many h end near 0.5 and the
 *           final cut h ≥ 0.5 departs from the optimised soft weights (`undecided` reports it)
 *   end:    hard rounding h ≥ 0.5
 *
 * X̂ holds the layer's inputs in the already-quantized network and X those in the float network
 * (asymmetric reconstruction), as rows of the layer's fan-in (im2col patches for convolutions).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import type { QParams } from './quantizer.ts'

const ZETA = 1.1
const GAMMA = -0.1

export interface AdaRoundOptions {
  rng: Rng
  /** @default 300 */
  iterations?: number
  /** Rows per step. @default 128 */
  batch?: number
  /** @default 0.01 */
  lambda?: number
  /** Adam learning rate. @default 0.01 */
  learningRate?: number
  /** The layer's bias (added before the activation). @default zeros */
  bias?: Float32Array
  /** Reconstruct after a ReLU. @default false */
  relu?: boolean
}

export interface AdaRoundResult {
  /** Dequantized weights. */
  values: Float32Array
  /**
   * Fraction of weights whose h(V) is still inside (0.01, 0.99) at the end: the regulariser did
   * not decide them, so the final h ≥ 0.5 cut departs from the optimised soft weights. Near 0
   * when λ is strong against the layer's reconstruction curvature, as intended.
   */
  undecided: number
}

/** The soft rounding h(V). */
export function rectifiedSigmoid(v: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.add(tf.mul(tf.sigmoid(v), ZETA - GAMMA), GAMMA), 0, 1)
}

/** V such that h(V) = frac (frac clamped inside (0, 1) so that V stays finite). */
export function inverseRectifiedSigmoid(frac: number): number {
  const f = Math.min(0.99, Math.max(0.01, frac))
  return -Math.log((ZETA - GAMMA) / (f - GAMMA) - 1)
}

/**
 * Learned rounding of weights `w` ([fanIn, out], out = last axis) given per-channel (or one)
 * uniform quantizers, inputs `xq` (quantized network) and `xf` (float network), both [rows, fanIn].
 * Returns the dequantized weights and the fraction left undecided.
 */
export function adaround(
  w: Float32Array,
  fanIn: number,
  out: number,
  params: readonly QParams[],
  xq: Float32Array,
  xf: Float32Array,
  options: AdaRoundOptions,
): AdaRoundResult {
  const {
    iterations = 300,
    batch = 128,
    lambda = 0.01,
    learningRate = 0.01,
    relu = false,
  } = options
  const rows = xq.length / fanIn
  const p = (i: number) => params[params.length === 1 ? 0 : i % out] as QParams
  const floorCodes = new Float32Array(w.length)
  const v0 = new Float32Array(w.length)
  for (let i = 0; i < w.length; i++) {
    const x = (w[i] as number) / p(i).scale
    floorCodes[i] = Math.floor(x) + p(i).zeroPoint
    v0[i] = inverseRectifiedSigmoid(x - Math.floor(x))
  }
  const scaleRow = Float32Array.from({ length: out }, (_, c) => p(c).scale)
  const zpRow = Float32Array.from({ length: out }, (_, c) => p(c).zeroPoint)
  const qMin = p(0).qMin
  const qMax = p(0).qMax
  const floorT = tf.tensor2d(floorCodes, [fanIn, out])
  const scaleT = tf.tensor1d(scaleRow)
  const zpT = tf.tensor1d(zpRow)
  const wT = tf.tensor2d(w, [fanIn, out])
  const xqT = tf.tensor2d(xq, [rows, fanIn])
  const xfT = tf.tensor2d(xf, [rows, fanIn])
  const bT = tf.tensor1d(options.bias ?? new Float32Array(out))
  const v = tf.variable(tf.tensor2d(v0, [fanIn, out]))
  const f = (z: tf.Tensor) => (relu ? tf.relu(tf.add(z, bT)) : tf.add(z, bT))
  const opt = tf.train.adam(learningRate)
  const soft = (h: tf.Tensor) =>
    tf.mul(tf.sub(tf.clipByValue(tf.add(floorT, h), qMin, qMax), zpT), scaleT)
  const warmup = Math.floor(0.2 * iterations)
  try {
    for (let it = 0; it < iterations; it++) {
      const idx = Int32Array.from({ length: Math.min(batch, rows) }, () => options.rng.int(rows))
      const beta =
        it < warmup ? 20 : 20 - (18 * (it - warmup)) / Math.max(1, iterations - warmup - 1)
      const lam = it < warmup ? 0 : lambda
      tf.tidy(() => {
        const ids = tf.tensor1d(idx, 'int32')
        const bq = tf.gather(xqT, ids)
        const target = f(tf.matMul(tf.gather(xfT, ids), wT))
        opt.minimize(
          () => {
            const h = rectifiedSigmoid(v)
            const rec = tf.mean(tf.sum(tf.square(tf.sub(f(tf.matMul(bq, soft(h))), target)), 1))
            if (lam === 0) return rec as tf.Scalar
            const reg = tf.sum(tf.sub(1, tf.pow(tf.abs(tf.sub(tf.mul(h, 2), 1)), beta)))
            return tf.add(rec, tf.mul(reg, lam)) as tf.Scalar
          },
          false,
          [v],
        )
      })
    }
    return tf.tidy(() => {
      const h = rectifiedSigmoid(v)
      const undecided = tf.mean(
        tf.cast(tf.logicalAnd(tf.greater(h, 0.01), tf.less(h, 0.99)), 'float32'),
      )
      return {
        values: soft(tf.cast(tf.greaterEqual(h, 0.5), 'float32')).dataSync() as Float32Array,
        undecided: undecided.dataSync()[0] as number,
      }
    })
  } finally {
    tf.dispose([floorT, scaleT, zpT, wT, xqT, xfT, bT, v])
    opt.dispose()
  }
}

/**
 * im2col rows of NHWC inputs [n, h, w, cin] for a stride-1 'same' k×k convolution, at `count`
 * random (image, y, x) positions; row layout (kh, kw, cin), zero padding. Same positions for
 * every input array given.
 */
export function samplePatches(
  inputs: readonly Float32Array[],
  shape: { n: number; h: number; w: number; c: number },
  k: number,
  count: number,
  rng: Rng,
): Float32Array[] {
  const { n, h, w, c } = shape
  const pad = Math.floor((k - 1) / 2)
  const rowLen = k * k * c
  const outs = inputs.map(() => new Float32Array(count * rowLen))
  for (let r = 0; r < count; r++) {
    const img = rng.int(n)
    const y = rng.int(h)
    const x = rng.int(w)
    for (let dy = 0; dy < k; dy++) {
      const yy = y + dy - pad
      if (yy < 0 || yy >= h) continue
      for (let dx = 0; dx < k; dx++) {
        const xx = x + dx - pad
        if (xx < 0 || xx >= w) continue
        const src = ((img * h + yy) * w + xx) * c
        const dst = r * rowLen + (dy * k + dx) * c
        for (const [j, a] of inputs.entries())
          (outs[j] as Float32Array).set(a.subarray(src, src + c), dst)
      }
    }
  }
  return outs
}
