/**
 * PGD adversarial training (Madry et al. 2018): each batch is replaced by PGD adversarial
 * examples (random start, `steps` iterations, step 2.5ε/steps) found against the current
 * weights, then trained with cross-entropy; `cleanWeight` > 0 mixes in the clean loss.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { NORMS, pgd } from '../../models/margin/attacks.ts'
import { logitsOf, type MarginNet } from '../../models/margin/net.ts'
import type { Batch } from '../../models/margin/objective.ts'
import type { MarginLossDef } from './loss-def.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

export const PgdTrainingParams = z.strictObject({
  /** @default 'linf' */
  norm: z.enum(NORMS).default('linf'),
  /** Training radius. @default 0.3 */
  eps: z.number().positive().default(0.3),
  /** @default 10 */
  steps: z.number().int().positive().default(10),
  /** Weight of the clean cross-entropy (the adversarial one gets 1 − cleanWeight). @default 0 */
  cleanWeight: z.number().min(0).max(1).default(0),
})
export type PgdTrainingParams = z.output<typeof PgdTrainingParams>

export const pgdTraining: MarginLossDef<PgdTrainingParams> = {
  name: 'pgd-at',
  description: 'PGD adversarial training: cross-entropy on PGD examples at a fixed ε',
  params: PgdTrainingParams,
  objective: (p) => ({
    name: 'pgd-at',
    head: 'affine',
    prepare: (net: MarginNet, batch: Batch): tf.Tensor => {
      const r = pgd(net, batch.x, batch.y, {
        norm: p.norm,
        eps: p.eps,
        steps: p.steps,
        rng: batch.rng,
        keep: 'last',
      })
      return r.x
    },
    disposables: (xAdv: tf.Tensor) => [xAdv],
    loss(net: MarginNet, batch: Batch, xAdv: tf.Tensor) {
      const adv = tf.mean(softmaxCrossEntropy(logitsOf(net, xAdv), batch.y))
      if (p.cleanWeight === 0) return adv as tf.Scalar
      const clean = tf.mean(softmaxCrossEntropy(logitsOf(net, batch.x), batch.y))
      return tf.add(tf.mul(adv, 1 - p.cleanWeight), tf.mul(clean, p.cleanWeight)) as tf.Scalar
    },
  }),
}
