/** Weston–Watkins multi-class hinge loss: Σ_{j≠y} max(0, margin + f_j − f_y). */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { logitsOf } from '../../models/margin/net.ts'
import type { MarginLossDef } from './loss-def.ts'

export const WestonWatkinsParams = z.strictObject({
  /** @default 1 */
  margin: z.number().positive().default(1),
})
export type WestonWatkinsParams = z.output<typeof WestonWatkinsParams>

/** Per-example Weston–Watkins hinge: [b]. */
export function westonWatkinsHinge(logits: tf.Tensor2D, y: tf.Tensor1D, margin = 1): tf.Tensor1D {
  return tf.tidy(() => {
    const onehot = tf.oneHot(y, logits.shape[1])
    const target = tf.sum(tf.mul(onehot, logits), 1, true)
    const terms = tf.relu(tf.add(tf.sub(logits, target), margin))
    // The j = y term is max(0, margin) = margin: remove it.
    return tf.sum(tf.mul(terms, tf.sub(1, onehot)), 1)
  }) as tf.Tensor1D
}

export const hingeWestonWatkins: MarginLossDef<WestonWatkinsParams> = {
  name: 'hinge-ww',
  description: 'Weston–Watkins multi-class hinge',
  params: WestonWatkinsParams,
  objective: (p) => ({
    name: 'hinge-ww',
    head: 'affine',
    loss: (net, batch) => tf.mean(westonWatkinsHinge(logitsOf(net, batch.x), batch.y, p.margin)),
  }),
}
