/**
 * AM-Softmax / CosFace (Wang et al. 2018): normalised features and weights, an additive cosine
 * margin on the target: logits s·(cos θ_j − m·[j = y]), then softmax cross-entropy.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { cosines, featuresOf, kernelOf } from '../../models/margin/net.ts'
import type { MarginLossDef } from './loss-def.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

export const CosFaceParams = z.strictObject({
  /** Scale. @default 30 */
  s: z.number().positive().default(30),
  /** Cosine margin. @default 0.35 */
  m: z.number().nonnegative().default(0.35),
})
export type CosFaceParams = z.output<typeof CosFaceParams>

/** s·(cos − m·onehot(y)): [b, C]. */
export function cosFaceLogits(cos: tf.Tensor2D, y: tf.Tensor1D, s: number, m: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(cos, tf.mul(tf.oneHot(y, cos.shape[1]), m)), s)) as tf.Tensor2D
}

export const cosFace: MarginLossDef<CosFaceParams> = {
  name: 'cosface',
  description: 'AM-Softmax / CosFace: additive cosine margin on normalised features and weights',
  params: CosFaceParams,
  objective: (p) => ({
    name: 'cosface',
    head: 'cosine',
    scale: p.s,
    loss: (net, batch) => {
      const cos = cosines(featuresOf(net, batch.x), kernelOf(net))
      return tf.mean(softmaxCrossEntropy(cosFaceLogits(cos, batch.y, p.s, p.m), batch.y))
    },
  }),
}
