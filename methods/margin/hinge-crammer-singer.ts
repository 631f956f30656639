/**
 * Crammer–Singer multi-class hinge loss: max(0, margin + max_{j≠y} f_j − f_y), optionally
 * squared (the L2-SVM of Tang 2013).
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { logitsOf } from '../../models/margin/net.ts'
import type { MarginLossDef } from './loss-def.ts'

export const CrammerSingerParams = z.strictObject({
  /** @default 1 */
  margin: z.number().positive().default(1),
  /** @default false */
  squared: z.boolean().default(false),
})
export type CrammerSingerParams = z.output<typeof CrammerSingerParams>

/** Per-example Crammer–Singer hinge: [b]. */
export function crammerSingerHinge(
  logits: tf.Tensor2D,
  y: tf.Tensor1D,
  margin = 1,
  squared = false,
): tf.Tensor1D {
  return tf.tidy(() => {
    const onehot = tf.oneHot(y, logits.shape[1])
    const target = tf.sum(tf.mul(onehot, logits), 1)
    // Push the target out of the max with a large negative offset.
    const other = tf.max(tf.sub(logits, tf.mul(onehot, 1e9)), 1)
    const h = tf.relu(tf.add(tf.sub(other, target), margin))
    return squared ? tf.square(h) : h
  }) as tf.Tensor1D
}

export const hingeCrammerSinger: MarginLossDef<CrammerSingerParams> = {
  name: 'hinge-cs',
  description: 'Crammer–Singer multi-class hinge (optionally squared)',
  params: CrammerSingerParams,
  objective: (p) => ({
    name: 'hinge-cs',
    head: 'affine',
    loss: (net, batch) =>
      tf.mean(crammerSingerHinge(logitsOf(net, batch.x), batch.y, p.margin, p.squared)),
  }),
}
