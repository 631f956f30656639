/**
 * A-Softmax / SphereFace (Liu et al. 2017): L-Softmax with unit class weights and no bias, so the
 * logits are ‖x‖cos θ_j and the target ‖x‖ψ(θ_y), with the same λ annealing.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { featuresOf, kernelOf } from '../../models/margin/net.ts'
import { AnnealParams, annealedLambda, largeMarginLogits } from './l-softmax.ts'
import type { MarginLossDef } from './loss-def.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

export const ASoftmaxParams = z.strictObject({
  /** @default 4 */
  m: z.number().int().min(1).max(6).default(4),
  ...AnnealParams,
})
export type ASoftmaxParams = z.output<typeof ASoftmaxParams>

export const aSoftmax: MarginLossDef<ASoftmaxParams> = {
  name: 'a-softmax',
  description: 'A-Softmax (SphereFace): unit weights, multiplicative angular margin, λ annealing',
  params: ASoftmaxParams,
  objective: (p) => ({
    name: 'a-softmax',
    head: 'normalized-weights',
    loss: (net, batch) => {
      const lambda = annealedLambda(batch.step, p)
      const logits = largeMarginLogits(
        featuresOf(net, batch.x),
        kernelOf(net),
        batch.y,
        p.m,
        lambda,
        true,
      )
      return tf.mean(softmaxCrossEntropy(logits, batch.y))
    },
  }),
}
