import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { decodeSpans, maskedSoftmax, spanLoss } from './span-pointer.ts'

describe('span pointers', () => {
  it('decodeSpans() maximises p_start(i) p_end(j) with i <= j < i + maxSpan', () => {
    // start peaks at 1, end peaks at 0 (before start) and at 4: the valid best is (1, 2) or (1, 4)
    const start = [0.1, 0.6, 0.1, 0.1, 0.1]
    const end = [0.5, 0.05, 0.2, 0.05, 0.2]
    assert.deepEqual(decodeSpans(start, end, 5, [5], 5), [[1, 2]]) // 0.6*0.2 first found
    assert.deepEqual(decodeSpans(start, end, 5, [5], 1), [[0, 0]]) // 0.1*0.5 > 0.6*0.05
    // a shorter row never picks a padded position
    assert.deepEqual(decodeSpans([0.1, 0.2, 0.7], [0.1, 0.1, 0.8], 3, [2], 3), [[1, 1]])
  })

  it('maskedSoftmax() gives padding zero weight and spanLoss() is the two cross-entropies', () => {
    const p = maskedSoftmax(
      tf.tensor2d([[1, 1, 5]]),
      tf.tensor2d([[1, 1, 0]]),
    ).arraySync() as number[][]
    assert.deepEqual(
      p[0]?.map((x) => Math.round(x * 1000) / 1000),
      [0.5, 0.5, 0],
    )
    const s = tf.tensor2d([[0, 0]])
    const loss = spanLoss(s, s, tf.tensor1d([0], 'int32'), tf.tensor1d([1], 'int32')).dataSync()[0]
    assert.ok(Math.abs((loss as number) - 2 * Math.log(2)) < 1e-6)
  })
})
