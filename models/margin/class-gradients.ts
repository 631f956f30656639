/**
 * Per-example gradients of logit differences f_j − f_ref at a cut point of the network, for every
 * class j at once: the gradient of the batch sum Σ_b (f_j − f_ref)(h_b) w.r.t. h is the stack of
 * per-example gradients because examples do not interact (no batch statistics in the nets).
 */
import * as tf from '@tensorflow/tfjs-core'
import { activationAt, type CutPoint, logitsFrom, type MarginNet } from './net.ts'

export interface ClassGradients {
  /** Logits at the point, [n, C] row-major. */
  logits: Float32Array
  /** Per class j: ∇_h (f_j − f_ref) for every example, [n, D] row-major; undefined for no class. */
  grads: Float32Array[]
  n: number
  classes: number
  /** Size of h per example. */
  dim: number
}

/**
 * Gradients of f_j − f_{ref_b} w.r.t. the activation at `cut`, at inputs x. `ref` is one class
 * per example (the label or the prediction).
 */
export function classGradients(
  net: MarginNet,
  x: tf.Tensor,
  ref: Int32Array,
  cut: CutPoint,
): ClassGradients {
  const n = x.shape[0] as number
  const h = tf.tidy(() => activationAt(net, x, cut))
  try {
    const logitsT = tf.tidy(() => logitsFrom(net, h, cut))
    const classes = logitsT.shape[1]
    const logits = logitsT.dataSync() as Float32Array
    logitsT.dispose()
    const refHot = tf.oneHot(tf.tensor1d(ref, 'int32'), classes)
    const grads: Float32Array[] = []
    for (let j = 0; j < classes; j++) {
      const g = tf.tidy(() => {
        const sel = tf.sub(tf.oneHot(tf.fill([n], j, 'int32') as tf.Tensor1D, classes), refHot)
        return tf.grad((hi: tf.Tensor) => tf.sum(tf.mul(logitsFrom(net, hi, cut), sel)))(h)
      })
      grads.push(g.dataSync() as Float32Array)
      g.dispose()
    }
    refHot.dispose()
    return { logits, grads, n, classes, dim: h.size / n }
  } finally {
    h.dispose()
  }
}

/** ℓq norm of row `b` of a [n, D] array (q = 1, 2 or ∞). */
export function rowNorm(a: Float32Array, b: number, dim: number, q: 1 | 2 | 'inf'): number {
  let s = 0
  const off = b * dim
  for (let i = 0; i < dim; i++) {
    const v = Math.abs(a[off + i] as number)
    if (q === 1) s += v
    else if (q === 2) s += v * v
    else if (v > s) s = v
  }
  return q === 2 ? Math.sqrt(s) : s
}
