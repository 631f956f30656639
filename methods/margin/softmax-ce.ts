/** Softmax cross-entropy per example from logits and integer labels (used inside other losses). */
import * as tf from '@tensorflow/tfjs-core'

/** −log softmax(logits)_y for each row: [b]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.neg(tf.sum(tf.mul(tf.oneHot(y, logits.shape[1]), tf.logSoftmax(logits)), 1)),
  ) as tf.Tensor1D
}

/** Rows of `t` as a detached copy: a constant for the gradient tape (stop-gradient). */
export function detach<T extends tf.Tensor>(t: T): T {
  return tf.tensor(t.dataSync(), t.shape, t.dtype) as T
}
