/**
 * ArcFace (Deng et al. 2019): an additive angular margin, target logit s·cos(θ_y + m). Where
 * θ_y + m would pass π (cos θ_y ≤ cos(π − m)) the target falls back to s·(cos θ_y − m·sin m),
 * which keeps it decreasing in θ.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { cosines, featuresOf, kernelOf } from '../../models/margin/net.ts'
import type { MarginLossDef } from './loss-def.ts'
import { detach, softmaxCrossEntropy } from './softmax-ce.ts'

export const ArcFaceParams = z.strictObject({
  /** Scale (16–30 suits 10 classes). @default 16 */
  s: z.number().positive().default(16),
  /** Angular margin, radians. @default 0.5 */
  m: z.number().nonnegative().default(0.5),
})
export type ArcFaceParams = z.output<typeof ArcFaceParams>

/** ArcFace logits from cosines: [b, C]. */
export function arcFaceLogits(cos: tf.Tensor2D, y: tf.Tensor1D, s: number, m: number): tf.Tensor2D {
  return tf.tidy(() => {
    const onehot = tf.oneHot(y, cos.shape[1])
    const c = tf.sum(tf.mul(onehot, cos), 1)
    const sin = tf.sqrt(tf.clipByValue(tf.sub(1, tf.square(c)), 1e-12, 1))
    const shifted = tf.sub(tf.mul(c, Math.cos(m)), tf.mul(sin, Math.sin(m)))
    const fallback = tf.sub(c, m * Math.sin(m))
    // The branch is chosen on a detached copy: a comparison has no gradient.
    const target = tf.where(tf.greater(detach(c), Math.cos(Math.PI - m)), shifted, fallback)
    return tf.mul(tf.add(cos, tf.mul(onehot, tf.expandDims(tf.sub(target, c), 1))), s)
  }) as tf.Tensor2D
}

export const arcFace: MarginLossDef<ArcFaceParams> = {
  name: 'arcface',
  description: 'ArcFace: additive angular margin cos(θ_y + m) on normalised features and weights',
  params: ArcFaceParams,
  objective: (p) => ({
    name: 'arcface',
    head: 'cosine',
    scale: p.s,
    loss: (net, batch) => {
      const cos = cosines(featuresOf(net, batch.x), kernelOf(net))
      return tf.mean(softmaxCrossEntropy(arcFaceLogits(cos, batch.y, p.s, p.m), batch.y))
    },
  }),
}
