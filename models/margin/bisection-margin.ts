/**
 * Attack + bisection margin (as MMA reports "avg eps"): the smallest ε at which PGD finds a
 * misclassified point within the ε-ball, searched per example by bisection on [0, ε_max].
 *
 *   fooled at ε_max? no -> margin = ε_max (censored, counted)
 *   yes -> lo = 0, hi = ε_max; repeat `steps` times: mid = (lo+hi)/2, PGD at mid
 *          (fooled -> hi = mid, else lo = mid)  -> margin = hi
 *
 * PGD ascends the logit margin max_{j≠y} f_j − f_y (MMA searches with a logit margin too), which
 * points at a boundary rather than at the largest cross-entropy. Untargeted, it can settle on a
 * competitor that is not the nearest: the result is an upper bound of the true distance (as every
 * attack-based margin is). For misclassified clean examples the margin is 0.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { type Norm, pgd } from './attacks.ts'
import { type MarginNet, predictClasses } from './net.ts'

export interface BisectionOptions {
  norm: Norm
  epsMax: number
  /** Bisection steps. @default 8 */
  steps?: number
  /** PGD iterations per probe. @default 10 */
  pgdSteps?: number
  rng: Rng
  /** @default 250 */
  batchSize?: number
}

export interface BisectionResult {
  margins: Float32Array
  /** Examples not fooled even at ε_max (their margin is reported as ε_max). */
  censored: number
}

/** Per-example minimal PGD ε by bisection; see the module comment. */
export function bisectionMargins(
  net: MarginNet,
  x: tf.Tensor,
  y: Int32Array,
  o: BisectionOptions,
): BisectionResult {
  const n = x.shape[0] as number
  const batch = o.batchSize ?? 250
  const margins = new Float32Array(n)
  let censored = 0
  for (let b = 0; b < n; b += batch) {
    const end = Math.min(n, b + batch)
    const m = end - b
    const xb = tf.slice(x, [b], [end - b])
    const yb = tf.tensor1d(y.subarray(b, end), 'int32')
    const clean = predictClasses(net, xb)
    const probe = (eps: Float32Array): Float32Array => {
      const r = pgd(net, xb, yb, {
        norm: o.norm,
        eps,
        steps: o.pgdSteps ?? 10,
        rng: o.rng,
        loss: 'margin',
      })
      r.x.dispose()
      return r.fooled
    }
    const lo = new Float32Array(m)
    const hi = new Float32Array(m).fill(o.epsMax)
    const top = probe(hi)
    for (let s = 0; s < (o.steps ?? 8); s++) {
      const mid = lo.map((l, i) => (l + (hi[i] as number)) / 2)
      const f = probe(mid)
      for (let i = 0; i < m; i++) {
        if (f[i]) hi[i] = mid[i] as number
        else lo[i] = mid[i] as number
      }
    }
    for (let i = 0; i < m; i++) {
      if (clean[i] !== y[b + i]) margins[b + i] = 0
      else {
        margins[b + i] = hi[i] as number
        if (!top[i]) censored++
      }
    }
    tf.dispose([xb, yb])
  }
  return { margins, censored }
}
