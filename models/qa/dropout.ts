/** Inverted dropout whose masks come from a seeded Rng (tf.dropout with an explicit seed). */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'

export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: Rng, training: boolean): T {
  if (!training || rate <= 0) return x
  return tf.dropout(x, rate, undefined, rng.int(2 ** 31)) as T
}
