/**
 * The training loop of the margin study:
 *
 *   per epoch: shuffle (seeded) -> batches: gather -> objective.prepare (outside the tape)
 *              -> optimizer.minimize(objective.loss) over the head's variables -> dispose
 *
 * Adam with a fixed learning rate, optional gradient clipping by global norm (Elsayed clips at
 * 5). Training seconds exclude nothing: the attack in PGD-AT and MMA is part of their cost.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { type MarginNet, trainableVariables } from './net.ts'
import type { Objective } from './objective.ts'

export interface MarginTrainOptions {
  rng: Rng
  epochs: number
  /** @default 64 */
  batchSize?: number
  /** Adam learning rate. @default 0.001 */
  learningRate?: number
  /** Clip gradients to this global norm. @default none */
  clipNorm?: number
  signal?: AbortSignal
  now: () => number
  onEpoch?: (epoch: number, meanLoss: number) => void
}

export interface MarginTrainResult {
  seconds: number
  losses: number[]
}

/** Trains `net` in place with `objective`; see the module comment. */
export function trainMargin(
  net: MarginNet,
  x: tf.Tensor,
  y: tf.Tensor1D,
  objective: Objective,
  o: MarginTrainOptions,
): MarginTrainResult {
  const n = x.shape[0] as number
  if (!(n > 0)) throw new RangeError('Cannot train: the training set is empty')
  const batchSize = o.batchSize ?? 64
  const optimizer = tf.train.adam(o.learningRate ?? 0.001)
  const variables = trainableVariables(net)
  const shuffle = o.rng.fork('shuffle')
  const batchRng = o.rng.fork('batches')
  const order = Array.from({ length: n }, (_, i) => i)
  const losses: number[] = []
  const t0 = o.now()
  let step = 0
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffle.shuffle(order)
      let sum = 0
      for (let b = 0; b < n; b += batchSize) {
        o.signal?.throwIfAborted()
        const indices = Int32Array.from(order.slice(b, b + batchSize))
        const idx = tf.tensor1d(indices, 'int32')
        const batch = {
          x: tf.gather(x, idx),
          y: tf.gather(y, idx) as tf.Tensor1D,
          indices,
          step,
          epoch,
          rng: batchRng,
        }
        const prepared = objective.prepare?.(net, batch)
        const { value, grads } = tf.variableGrads(
          () => objective.loss(net, batch, prepared),
          variables,
        )
        const clipped = o.clipNorm ? clipByGlobalNorm(grads, o.clipNorm) : grads
        optimizer.applyGradients(
          clipped as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0],
        )
        sum += (value.dataSync()[0] as number) * indices.length
        tf.dispose([idx, batch.x, batch.y, value, ...Object.values(grads)])
        if (clipped !== grads) tf.dispose(Object.values(clipped))
        if (prepared !== undefined) tf.dispose(objective.disposables?.(prepared) ?? [])
        step++
      }
      losses.push(sum / n)
      o.onEpoch?.(epoch + 1, sum / n)
    }
  } finally {
    optimizer.dispose()
  }
  return { seconds: (o.now() - t0) / 1000, losses }
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, max: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const total = Math.sqrt(
      Object.values(grads).reduce((a, g) => a + (tf.sum(tf.square(g)).dataSync()[0] as number), 0),
    )
    if (total <= max)
      return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clone(g)]))
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, max / total)]))
  })
}
