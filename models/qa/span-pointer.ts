/**
 * Start/end pointers over the passage: masked logits, their cross-entropy loss, and decoding of
 * the best span argmax_{i <= j < i + maxSpan} p_start(i) p_end(j) inside the passage.
 */
import * as tf from '@tensorflow/tfjs-core'

const NEG = -1e9

/** Logits with padding pushed to -1e9 (mask broadcasts against x). */
export function maskLogits(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.add(x, tf.mul(tf.sub(1, mask), NEG))
}

/**
 * Softmax over the last axis that gives padded positions zero weight. tf.softmax has its own
 * gradient; exp(z - logSumExp(z)) would also backpropagate through logSumExp's max, whose
 * broadcast comparison is slow on wasm.
 */
export function maskedSoftmax(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.softmax(maskLogits(x, mask))
}

/** Mean over the batch of -log p_start(s) - log p_end(e); logits [B, T] already masked. */
export function spanLoss(
  start: tf.Tensor2D,
  end: tf.Tensor2D,
  starts: tf.Tensor1D,
  ends: tf.Tensor1D,
): tf.Scalar {
  const t = start.shape[1]
  const pick = (logits: tf.Tensor2D, at: tf.Tensor1D) =>
    tf.sum(tf.mul(tf.oneHot(at, t), tf.logSoftmax(logits)), 1)
  return tf.neg(tf.mean(tf.add(pick(start, starts), pick(end, ends)))) as tf.Scalar
}

/**
 * Best span per row from start/end scores (probabilities or log-probabilities: `log` says which),
 * row-major [B, T]; positions at or past `lengths[b]` are never chosen.
 */
export function decodeSpans(
  start: ArrayLike<number>,
  end: ArrayLike<number>,
  t: number,
  lengths: readonly number[],
  maxSpan: number,
  log = false,
): [number, number][] {
  if (maxSpan < 1) throw new RangeError(`Cannot decode spans: maxSpan must be >= 1, got ${maxSpan}`)
  return lengths.map((len, b) => {
    let best: [number, number] = [0, 0]
    let score = Number.NEGATIVE_INFINITY
    for (let i = 0; i < Math.min(len, t); i++) {
      const s = start[b * t + i] as number
      for (let j = i; j < Math.min(len, t, i + maxSpan); j++) {
        const e = end[b * t + j] as number
        const v = log ? s + e : s * e
        if (v > score) {
          score = v
          best = [i, j]
        }
      }
    }
    return best
  })
}
