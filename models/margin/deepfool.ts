/**
 * DeepFool (Moosavi-Dezfooli et al. 2016), ℓ2: the minimal perturbation found by iterated
 * linearisation of the classifier around the current point.
 *
 *   r = 0; k₀ = argmax f(x)
 *   while argmax f(x + (1+η)r) = k₀ and iterations < max:
 *     for j ≠ k₀: w_j = ∇(f_j − f_k₀), f'_j = f_j − f_k₀      (at x + (1+η)r)
 *     l = argmin_j |f'_j| / ‖w_j‖₂;   r += (|f'_l| + 1e-4) / ‖w_l‖₂² · w_l
 *   distance = ‖(1+η) r‖₂,  η = overshoot (0.02)
 *
 * No clipping to the input box (the classic formulation). An example still not flipped after
 * `maxIter` iterations reports NaN.
 */
import * as tf from '@tensorflow/tfjs-core'
import { classGradients, rowNorm } from './class-gradients.ts'
import { type MarginNet, predictClasses } from './net.ts'

export interface DeepFoolOptions {
  /** @default 0.02 */
  overshoot?: number
  /** @default 50 */
  maxIter?: number
  /** @default 250 */
  batchSize?: number
}

/** DeepFool ℓ2 distances of the examples of x from the boundary of their predicted class. */
export function deepFoolL2(net: MarginNet, x: tf.Tensor, o: DeepFoolOptions = {}): Float32Array {
  const n = x.shape[0] as number
  const batch = o.batchSize ?? 250
  const out = new Float32Array(n)
  for (let b = 0; b < n; b += batch) {
    const end = Math.min(n, b + batch)
    const xb = tf.slice(x, [b], [end - b])
    out.set(deepFoolBatch(net, xb, o), b)
    xb.dispose()
  }
  return out
}

function deepFoolBatch(net: MarginNet, x0: tf.Tensor, o: DeepFoolOptions): Float32Array {
  const overshoot = o.overshoot ?? 0.02
  const maxIter = o.maxIter ?? 50
  const n = x0.shape[0] as number
  const dim = x0.size / n
  const x0d = x0.dataSync() as Float32Array
  const r = new Float32Array(n * dim)
  const active = new Uint8Array(n).fill(1)
  let k0: Int32Array | undefined
  for (let it = 0; it <= maxIter; it++) {
    const xi = new Float32Array(n * dim)
    for (let i = 0; i < xi.length; i++)
      xi[i] = (x0d[i] as number) + (1 + overshoot) * (r[i] as number)
    const xt = tf.tensor(xi, x0.shape)
    // Gradients relative to the original class k₀ (its prediction at x₀).
    const ref: Int32Array = k0 ?? predictClasses(net, xt)
    k0 = ref
    const g = classGradients(net, xt, ref, 'input')
    xt.dispose()
    let any = false
    for (let e = 0; e < n; e++) {
      if (!active[e]) continue
      const row = g.logits.subarray(e * g.classes, (e + 1) * g.classes)
      const k = ref[e] as number
      let arg = 0
      for (let j = 1; j < g.classes; j++) if ((row[j] as number) > (row[arg] as number)) arg = j
      if (arg !== k) {
        active[e] = 0
        continue
      }
      if (it === maxIter) continue
      any = true
      let best = -1
      let bestRatio = Number.POSITIVE_INFINITY
      let bestNorm = 0
      for (let j = 0; j < g.classes; j++) {
        if (j === k) continue
        const fj = Math.abs((row[j] as number) - (row[k] as number))
        const wn = rowNorm(g.grads[j] as Float32Array, e, dim, 2)
        const ratio = fj / (wn + 1e-12)
        if (ratio < bestRatio) {
          bestRatio = ratio
          best = j
          bestNorm = wn
        }
      }
      const w = g.grads[best] as Float32Array
      const fl = Math.abs((row[best] as number) - (row[k] as number))
      const scale = (fl + 1e-4) / (bestNorm * bestNorm + 1e-12)
      for (let i = 0; i < dim; i++)
        r[e * dim + i] = (r[e * dim + i] as number) + scale * (w[e * dim + i] as number)
    }
    if (!any) break
  }
  const dist = new Float32Array(n)
  for (let e = 0; e < n; e++) {
    let s = 0
    for (let i = 0; i < dim; i++) s += (r[e * dim + i] as number) ** 2
    dist[e] = active[e] ? Number.NaN : (1 + overshoot) * Math.sqrt(s)
  }
  return dist
}
