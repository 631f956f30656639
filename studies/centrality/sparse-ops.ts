/**
 * The two sparse ops of the centrality GNN as fused typed-array kernels with their gradients
 * (tf.customGrad), because the wasm backend's generic path is slow here: the gradient of
 * tf.unsortedSegmentSum goes through a full-size boolean `logicalAnd` and tf.gather's wasm kernel
 * is element-wise; together they took >80% of a training step.
 *
 *   edgeAggregate(x, src, dst)  y[v] = Σ_{e: dst[e]=v} x[src[e]]        (gather + segment sum)
 *                               ∂x[u] = Σ_{e: src[e]=u} ∂y[dst[e]]      (the transposed sum)
 *   pairGatherAdd(a, b, I, J)   z[k] = a[I[k]] + b[J[k]]
 *                               ∂a = segment sum of ∂z over I, ∂b over J
 */
import * as tf from '@tensorflow/tfjs-core'

/** y[dst[e]] += x[src[e]] for every edge, rows of width `d`. */
function scatterRows(
  x: Float32Array,
  from: Int32Array,
  to: Int32Array,
  rows: number,
  d: number,
): Float32Array {
  const y = new Float32Array(rows * d)
  for (let e = 0; e < from.length; e++) {
    const s = (from[e] as number) * d
    const t = (to[e] as number) * d
    for (let k = 0; k < d; k++) y[t + k] = (y[t + k] as number) + (x[s + k] as number)
  }
  return y
}

/** Σ over in-edges of the rows of x: y[v] = Σ_{e: dst[e]=v} x[src[e]]; y has `n` rows. */
export function edgeAggregate(
  x: tf.Tensor2D,
  src: Int32Array,
  dst: Int32Array,
  n: number,
): tf.Tensor2D {
  const op = tf.customGrad((input) => {
    const t = input as tf.Tensor2D
    const d = t.shape[1]
    const y = tf.tensor2d(scatterRows(t.dataSync() as Float32Array, src, dst, n, d), [n, d])
    const rows = t.shape[0]
    return {
      value: y,
      gradFunc: (dy: tf.Tensor) =>
        tf.tensor2d(scatterRows(dy.dataSync() as Float32Array, dst, src, rows, d), [rows, d]),
    }
  })
  return op(x) as tf.Tensor2D
}

/** z[k] = a[I[k]] + b[J[k]] for rows of width d. */
export function pairGatherAdd(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  I: Int32Array,
  J: Int32Array,
): tf.Tensor2D {
  const op = tf.customGrad((xa, xb) => {
    const ta = xa as tf.Tensor2D
    const tb = xb as tf.Tensor2D
    const A = ta.dataSync() as Float32Array
    const B = tb.dataSync() as Float32Array
    const d = ta.shape[1] as number
    const P = I.length
    const z = new Float32Array(P * d)
    for (let k = 0; k < P; k++) {
      const i = (I[k] as number) * d
      const j = (J[k] as number) * d
      const o = k * d
      for (let c = 0; c < d; c++) z[o + c] = (A[i + c] as number) + (B[j + c] as number)
    }
    const ids = new Int32Array(P).map((_, k) => k)
    return {
      value: tf.tensor2d(z, [P, d]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array
        return [
          tf.tensor2d(
            scatterRows(g, ids, I, ta.shape[0] as number, d),
            ta.shape as [number, number],
          ),
          tf.tensor2d(
            scatterRows(g, ids, J, tb.shape[0] as number, d),
            tb.shape as [number, number],
          ),
        ]
      },
    }
  })
  return op(a, b) as tf.Tensor2D
}
