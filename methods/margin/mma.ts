/**
 * MMA training (Ding et al. 2020): maximise each example's input-space margin d(x) directly.
 *
 *   per batch, outside the tape (AN-PGD, per-example ε remembered across epochs):
 *     correct clean examples: ε_att = min(maxEps, max(minEps, ε_prev) + stepUp)
 *       PGD at ε_att -> fooled? bisect t ∈ [0, 1] along δ (forward passes only) to the smallest
 *       misclassified x + tδ: d̂ = ‖tδ‖, training point x + tδ (on the boundary)
 *       not fooled -> d̂ ≥ ε_att: training point x + δ, ε_prev = ε_att
 *     misclassified clean examples: d = 0, training point x, ε_prev = 0
 *   inside the tape:
 *     L = cleanWeight · CE(x) + (1 − cleanWeight) · mean_b [ CE(x_b*) · [d̂_b < dMax] ]
 *
 * (1/3 clean, 2/3 MMA, as in the paper.) Examples whose margin reaches dMax stop contributing.
 * Reconstruction notes: the growth rule (stepUp) for an example PGD cannot fool is ours.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { NORMS, perExample, pgd, rowNorms } from '../../models/margin/attacks.ts'
import { logitsOf, type MarginNet, predictClasses } from '../../models/margin/net.ts'
import type { Batch } from '../../models/margin/objective.ts'
import type { MarginLossDef } from './loss-def.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

export const MmaParams = z.strictObject({
  /** @default 'linf' */
  norm: z.enum(NORMS).default('linf'),
  /** Margins at or above dMax no longer train. @default 0.45 */
  dMax: z.number().positive().default(0.45),
  /** @default 0.1 */
  minEps: z.number().nonnegative().default(0.1),
  /** Growth of the attack radius over the remembered margin. @default 0.05 */
  stepUp: z.number().positive().default(0.05),
  /** PGD iterations. @default 10 */
  pgdSteps: z.number().int().positive().default(10),
  /** Bisection steps along the PGD direction. @default 10 */
  bisectSteps: z.number().int().positive().default(10),
  /** Share of the clean cross-entropy. @default 1/3 */
  cleanWeight: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 3),
})
export type MmaParams = z.output<typeof MmaParams>

interface Prepared {
  /** Training points x*. */
  target: tf.Tensor
  /** 1 where the example contributes its MMA term. */
  weight: tf.Tensor1D
}

/**
 * Smallest t ∈ [0, 1] (after `steps` halvings) with x + tδ misclassified, for examples where
 * x + δ is; 1 elsewhere.
 */
export function bisectAlong(
  net: MarginNet,
  x: tf.Tensor,
  delta: tf.Tensor,
  y: Int32Array,
  fooled: Float32Array,
  steps: number,
): Float32Array {
  const n = y.length
  const lo = new Float32Array(n)
  const hi = new Float32Array(n).fill(1)
  for (let s = 0; s < steps; s++) {
    const mid = lo.map((l, i) => (l + (hi[i] as number)) / 2)
    const probe = tf.tidy(() => tf.add(x, tf.mul(delta, perExample(mid, x))))
    const pred = predictClasses(net, probe)
    probe.dispose()
    for (let i = 0; i < n; i++) {
      if (!fooled[i]) continue
      if (pred[i] !== y[i]) hi[i] = mid[i] as number
      else lo[i] = mid[i] as number
    }
  }
  return hi
}

export const mma: MarginLossDef<MmaParams> = {
  name: 'mma',
  description:
    'Max-margin adversarial training: CE at the per-example boundary point found by AN-PGD',
  params: MmaParams,
  objective: (p, setup) => {
    const remembered = new Float32Array(setup.n)
    return {
      name: 'mma',
      head: 'affine',
      prepare(net: MarginNet, batch: Batch): Prepared {
        const yb = batch.y.dataSync() as Int32Array
        const b = yb.length
        const clean = predictClasses(net, batch.x)
        const eps = new Float32Array(b)
        for (let i = 0; i < b; i++) {
          const prev = remembered[batch.indices[i] as number] as number
          eps[i] = Math.min(p.dMax * 1.05, Math.max(p.minEps, prev) + p.stepUp)
        }
        const attack = pgd(net, batch.x, batch.y, {
          norm: p.norm,
          eps,
          steps: p.pgdSteps,
          rng: batch.rng,
        })
        const delta = tf.sub(attack.x, batch.x)
        attack.x.dispose()
        const t = bisectAlong(net, batch.x, delta, yb, attack.fooled, p.bisectSteps)
        const scaled = tf.tidy(() => tf.mul(delta, perExample(t, batch.x)))
        delta.dispose()
        const norms = rowNorms(scaled, p.norm === 'linf' ? 'linf' : 'l2')
        const dist = norms.dataSync()
        norms.dispose()
        const weight = new Float32Array(b)
        const useClean = new Float32Array(b)
        for (let i = 0; i < b; i++) {
          const row = batch.indices[i] as number
          if (clean[i] !== yb[i]) {
            // Misclassified: margin 0, the MMA term is CE at x itself.
            remembered[row] = 0
            weight[i] = 1
            useClean[i] = 1
          } else if (attack.fooled[i]) {
            const d = dist[i] as number
            remembered[row] = d
            weight[i] = d < p.dMax ? 1 : 0
          } else {
            remembered[row] = eps[i] as number
            weight[i] = (eps[i] as number) < p.dMax ? 1 : 0
          }
        }
        const target = tf.tidy(() => {
          const keep = perExample(useClean, batch.x)
          return tf.add(tf.mul(batch.x, keep), tf.mul(tf.add(batch.x, scaled), tf.sub(1, keep)))
        })
        scaled.dispose()
        return { target, weight: tf.tensor1d(weight) }
      },
      disposables: (prep: Prepared) => [prep.target, prep.weight],
      loss(net: MarginNet, batch: Batch, prep: Prepared) {
        const clean = tf.mean(softmaxCrossEntropy(logitsOf(net, batch.x), batch.y))
        const margin = tf.mean(
          tf.mul(softmaxCrossEntropy(logitsOf(net, prep.target), batch.y), prep.weight),
        )
        return tf.add(tf.mul(clean, p.cleanWeight), tf.mul(margin, 1 - p.cleanWeight)) as tf.Scalar
      },
    }
  },
}
