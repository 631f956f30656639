/**
 * First-order margin estimate (Elsayed et al. 2018): the linearised distance from x to the
 * nearest decision boundary, measured at the input or at a hidden layer h:
 *
 *   d̂(x) = min_{j≠y} (f_y − f_j) / ‖∇_h (f_y − f_j)‖_q,   1/p + 1/q = 1
 *
 * (p = ∞ -> q = 1; p = 2 -> q = 2). Negative for a misclassified example. Cheap, but a
 * linearisation: exact only for a locally linear network.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Norm } from './attacks.ts'
import { classGradients, rowNorm } from './class-gradients.ts'
import type { CutPoint, MarginNet } from './net.ts'

export interface FirstOrderOptions {
  /** Margin norm p. */
  norm: Norm
  /** @default 'input' */
  cut?: CutPoint
  /** @default 250 */
  batchSize?: number
}

const TINY = 1e-12

/** Signed first-order distances of each example of (x, y) to its nearest boundary. */
export function firstOrderMargins(
  net: MarginNet,
  x: tf.Tensor,
  y: Int32Array,
  o: FirstOrderOptions,
): Float32Array {
  const n = x.shape[0] as number
  const q = o.norm === 'linf' ? 1 : 2
  const batch = o.batchSize ?? 250
  const out = new Float32Array(n)
  for (let b = 0; b < n; b += batch) {
    const end = Math.min(n, b + batch)
    const xb = tf.slice(x, [b], [end - b])
    const yb = y.subarray(b, end)
    // Gradients of f_j − f_y; the distance uses f_y − f_j, whose gradient has the same norm.
    const g = classGradients(net, xb, yb, o.cut ?? 'input')
    xb.dispose()
    for (let i = 0; i < end - b; i++) {
      const label = yb[i] as number
      const fy = g.logits[i * g.classes + label] as number
      let best = Number.POSITIVE_INFINITY
      for (let j = 0; j < g.classes; j++) {
        if (j === label) continue
        const diff = fy - (g.logits[i * g.classes + j] as number)
        const d = diff / (rowNorm(g.grads[j] as Float32Array, i, g.dim, q) + TINY)
        if (d < best) best = d
      }
      out[b + i] = best
    }
  }
  return out
}
