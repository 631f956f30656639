/**
 * Per-layer Hessian traces of the training loss (HAWQ-v2), by Hutchinson's estimator:
 *
 *   tr(H_j) = E_v[ v_jᵀ (H v)_j ],  v Rademacher (±1, seeded)
 *
 * per block (v zero outside layer j: one product H·v per layer and sample, as HAWQ), or over all
 * weights at once (one product serves every layer, since the cross-layer blocks H_jk vanish in
 * expectation, but they add their variance: on the mlp the first layer's estimate had a relative
 * standard error of ~60 % at 32 samples). H·v comes from central differences of the exact gradient,
 *
 *   H v ≈ (∇L(w + εv) − ∇L(w − εv)) / 2ε,   ε = `relStep` · rms(w_j) per layer
 *
 * which is exact for quadratics; tfjs's gradients are not twice differentiable through its
 * losses and ReLU (nested tf.grad returns zeros or wrong values), so double backprop is not used.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { forwardTf, type QNet, weightedLayers } from './qnet.ts'

export type Blocks = Float32Array[]

export interface TraceEstimate {
  /** Per block: the mean of vᵀ(Hv) over samples. */
  trace: number[]
  /** Per block: the standard error of that mean. */
  stderr: number[]
}

/** Rademacher vectors with the shapes of `sizes`. */
export function rademacher(sizes: readonly number[], rng: Rng): Blocks {
  return sizes.map((n) => Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1)))
}

/** Hutchinson's estimate of the trace of each diagonal block of H, given v ↦ H v. @default perBlock true */
export function hutchinsonTrace(
  hvp: (v: Blocks) => Blocks,
  sizes: readonly number[],
  samples: number,
  rng: Rng,
  perBlock = true,
): TraceEstimate {
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`Cannot estimate a Hessian trace: samples = ${samples} must be >= 1`)
  const draws = sizes.map(() => [] as number[])
  const dot = (a: Float32Array, b: Float32Array) => {
    let d = 0
    for (let i = 0; i < a.length; i++) d += (a[i] as number) * (b[i] as number)
    return d
  }
  for (let s = 0; s < samples; s++) {
    const v = rademacher(sizes, rng)
    if (perBlock) {
      sizes.forEach((_, j) => {
        const vj = sizes.map((m, k) => (k === j ? (v[k] as Float32Array) : new Float32Array(m)))
        const hv = hvp(vj)
        ;(draws[j] as number[]).push(dot(v[j] as Float32Array, hv[j] as Float32Array))
      })
    } else {
      const hv = hvp(v)
      sizes.forEach((_, j) => {
        ;(draws[j] as number[]).push(dot(v[j] as Float32Array, hv[j] as Float32Array))
      })
    }
  }
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length
  return {
    trace: draws.map(mean),
    stderr: draws.map((x) => {
      if (x.length < 2) return Number.NaN
      const m = mean(x)
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1) / x.length)
    }),
  }
}

/** v ↦ H v by central differences of `grad` at `w`, step ε_j along block j. */
export function centralDifferenceHvp(
  grad: (w: Blocks) => Blocks,
  w: Blocks,
  eps: readonly number[],
): (v: Blocks) => Blocks {
  return (v) => {
    const shift = (sign: number) =>
      w.map((wj, j) => {
        const e = sign * (eps[j] as number)
        const vj = v[j] as Float32Array
        return Float32Array.from(wj, (x, i) => x + e * (vj[i] as number))
      })
    const gp = grad(shift(1))
    const gm = grad(shift(-1))
    return gp.map((g, j) => {
      const m = gm[j] as Float32Array
      const e = 2 * (eps[j] as number)
      return Float32Array.from(g, (x, i) => (x - (m[i] as number)) / e)
    })
  }
}

/** ∇_W of the mean softmax cross-entropy of `net` on (x, y), per weighted layer (weights only). */
export function weightGradient(net: QNet, x: Float32Array, y: Int32Array): (w: Blocks) => Blocks {
  const layers = weightedLayers(net)
  return (w) =>
    tf.tidy(() => {
      const xt = tf.tensor(x, [y.length, ...net.inputShape])
      const ids = tf.tensor1d(y, 'int32')
      const biases = layers.map((l) => tf.tensor1d(l.b))
      const ws = layers.map((l, j) =>
        tf.tensor(
          w[j] as Float32Array,
          l.kind === 'dense' ? [l.fanIn, l.units] : [l.k, l.k, l.cin, l.cout],
        ),
      )
      const f = (...t: tf.Tensor[]) => {
        const out = forwardTf(
          net,
          t.map((wt, j) => ({ w: wt, b: biases[j] as tf.Tensor })),
          xt,
        )
        return tf.losses.softmaxCrossEntropy(
          tf.oneHot(ids, out.shape[1] as number),
          out,
        ) as tf.Scalar
      }
      return tf
        .grads(f)(ws)
        .map((g) => g.dataSync() as Float32Array)
    })
}

/** Per-layer Hessian traces of the cross-entropy on (x, y) at the net's float weights. */
export function layerHessianTraces(
  net: QNet,
  x: Float32Array,
  y: Int32Array,
  samples: number,
  rng: Rng,
  relStep = 1e-2,
): TraceEstimate {
  const w = weightedLayers(net).map((l) => l.w)
  const eps = w.map((wj) => {
    let s = 0
    for (const v of wj) s += v * v
    return relStep * Math.sqrt(s / wj.length)
  })
  const hvp = centralDifferenceHvp(weightGradient(net, x, y), w, eps)
  return hutchinsonTrace(
    hvp,
    w.map((wj) => wj.length),
    samples,
    rng,
  )
}
