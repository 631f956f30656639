import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-layers'
import { lstmRecurrence } from './fused-lstm.ts'

/** The same recurrence written step by step in tfjs ops (autodiff gives its gradient). */
function opsLstm(xs: tf.Tensor3D, u: tf.Tensor2D): tf.Tensor3D {
  const [b, , g] = xs.shape
  const h = g / 4
  let state: tf.Tensor = tf.zeros([b, h])
  let cell: tf.Tensor = tf.zeros([b, h])
  const outs: tf.Tensor[] = []
  for (const xt of tf.unstack(xs, 1)) {
    const [i, f, c, o] = tf.split(tf.add(xt, tf.matMul(state, u)), 4, 1) as tf.Tensor[]
    cell = tf.add(
      tf.mul(tf.sigmoid(f as tf.Tensor), cell),
      tf.mul(tf.sigmoid(i as tf.Tensor), tf.tanh(c as tf.Tensor)),
    )
    state = tf.mul(tf.sigmoid(o as tf.Tensor), tf.tanh(cell))
    outs.push(state)
  }
  return tf.stack(outs, 1) as tf.Tensor3D
}

describe('lstmRecurrence()', () => {
  it('matches the step-by-step LSTM in values and in both gradients', async () => {
    await tf.setBackend('cpu')
    const xs = tf.randomNormal([2, 5, 12], 0, 1, 'float32', 1) as tf.Tensor3D
    const u = tf.randomNormal([3, 12], 0, 0.5, 'float32', 2) as tf.Tensor2D
    const w = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3)
    const loss = (f: typeof opsLstm) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor2D), w))
    const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
      const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number
      assert.ok(d < 1e-5, `${what} differs by ${d}`)
    }
    close(lstmRecurrence(xs, u), opsLstm(xs, u), 'h')
    const [gx, gu] = tf.grads(loss(lstmRecurrence))([xs, u]) as tf.Tensor[]
    const [rx, ru] = tf.grads(loss(opsLstm))([xs, u]) as tf.Tensor[]
    close(gx as tf.Tensor, rx as tf.Tensor, 'dxs')
    close(gu as tf.Tensor, ru as tf.Tensor, 'du')
  })

  it('rejects a recurrent matrix of the wrong shape', () => {
    assert.throws(() => lstmRecurrence(tf.zeros([1, 2, 8]), tf.zeros([3, 8])), /needs u \[2, 8\]/)
  })
})
