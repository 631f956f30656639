/**
 * The contract of a training objective of the margin study: a loss the optimizer differentiates,
 * plus an optional step outside the gradient tape that prepares constants (gradient norms under
 * stop-gradient, adversarial inputs) from the current weights.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import type { HeadKind, MarginNet } from './net.ts'

/** What an objective sees of the current batch. */
export interface Batch {
  x: tf.Tensor
  /** Labels, int32 [b]. */
  y: tf.Tensor1D
  /** Row indices of the batch in the training set (for per-example memory, as MMA keeps). */
  indices: Int32Array
  /** Global optimizer step, from 0. */
  step: number
  epoch: number
  rng: Rng
}

export interface Objective<Prepared = unknown> {
  name: string
  /** The head the loss trains (and the network predicts with). */
  head: HeadKind
  /** Scale of a `cosine` head. @default 1 */
  scale?: number
  /** Outside the tape: constants for this step (disposed by the trainer when they are tensors). */
  prepare?(net: MarginNet, batch: Batch): Prepared
  /** Inside the tape: the mean loss of the batch. */
  loss(net: MarginNet, batch: Batch, prepared: Prepared): tf.Scalar
  /** Tensors inside `prepared` to dispose after the step. */
  disposables?(prepared: Prepared): tf.Tensor[]
}
