/**
 * Robust accuracy over an ε grid: the share of test examples that stay correctly classified
 * under FGSM and under PGD (random start) at each ε, and the average over the grid (as MMA
 * reports it). A clean misclassification counts as non-robust at every ε. Each attack runs once
 * per loss in `losses` and an example counts as robust only if none of them fools it: a
 * cross-entropy attack alone stalls where the softmax saturates (its gradient underflows in
 * float32), which overstates robustness; the soft logit margin keeps a gradient there.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { fgsm, type Norm, pgd } from './attacks.ts'
import type { MarginNet } from './net.ts'

export interface RobustOptions {
  norm: Norm
  epsGrid: readonly number[]
  /** PGD iterations. @default 40 */
  pgdSteps?: number
  rng: Rng
  /** @default 250 */
  batchSize?: number
  /** Losses each attack ascends (worst case over them per example). @default ['ce', 'margin'] */
  losses?: readonly ('ce' | 'margin')[]
}

export interface RobustCurve {
  eps: number[]
  fgsm: number[]
  pgd: number[]
  /** Mean of `pgd` over the grid. */
  pgdAverage: number
  fgsmAverage: number
}

/** Robust accuracy of `net` on (x, y) at every ε of the grid, for FGSM and PGD. */
export function robustAccuracy(
  net: MarginNet,
  x: tf.Tensor,
  y: Int32Array,
  o: RobustOptions,
): RobustCurve {
  const n = x.shape[0] as number
  const batch = o.batchSize ?? 250
  const survivors = (attack: typeof pgd, eps: number): number => {
    const losses = o.losses ?? ['ce', 'margin']
    let ok = 0
    for (let b = 0; b < n; b += batch) {
      const end = Math.min(n, b + batch)
      const xb = tf.slice(x, [b], [end - b])
      const yb = tf.tensor1d(y.subarray(b, end), 'int32')
      const fooled = new Uint8Array(end - b)
      for (const loss of losses) {
        const r = attack(net, xb, yb, {
          norm: o.norm,
          eps,
          steps: o.pgdSteps ?? 40,
          rng: o.rng,
          loss,
        })
        r.fooled.forEach((f, i) => {
          if (f) fooled[i] = 1
        })
        r.x.dispose()
      }
      for (const f of fooled) if (!f) ok++
      tf.dispose([xb, yb])
    }
    return n > 0 ? ok / n : Number.NaN
  }
  const f = o.epsGrid.map((e) => survivors(fgsm, e))
  const p = o.epsGrid.map((e) => survivors(pgd, e))
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  return { eps: [...o.epsGrid], fgsm: f, pgd: p, pgdAverage: avg(p), fgsmAverage: avg(f) }
}
