import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-layers'
import { maxAlong } from './max-along.ts'

describe('maxAlong()', () => {
  it('matches tf.max and its gradient on every axis, including ties', async () => {
    await tf.setBackend('cpu')
    const x = tf.tensor3d([
      [
        [1, 5, 2],
        [3, 5, 0],
      ],
      [
        [-1, -2, -3],
        [4, 4, 1],
      ],
    ])
    const w = tf.randomNormal([2, 2, 3], 0, 1, 'float32', 3)
    for (const axis of [0, 1, 2, -1]) {
      const weights = tf.max(w, axis)
      const ref = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.max(v, axis), weights)))(x)
      const got = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(maxAlong(v, axis), weights)))(x)
      assert.deepEqual(maxAlong(x, axis).arraySync(), tf.max(x, axis).arraySync())
      assert.deepEqual(got.arraySync(), ref.arraySync(), `axis ${axis}`)
    }
  })
})
