import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { inverseRectifiedSigmoid, rectifiedSigmoid } from './adaround.ts'
import { lsqQuantize, roundSte, steQuantize } from './qat.ts'

test('roundSte() rounds forward and passes the gradient straight through', async () => {
  await initTfjs()
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(roundSte(x), 3)))(tf.tensor1d([0.2, 1.7]))
  assert.deepEqual([...g.dataSync()], [3, 3])
})

test('steQuantize() has zero gradient outside the clipping range (clipped STE)', async () => {
  await initTfjs()
  const g = tf.grad((x: tf.Tensor) => tf.sum(steQuantize(x, 0.1, -7, 7)))(tf.tensor1d([0.33, 5]))
  assert.deepEqual([...g.dataSync()], [1, 0])
})

test('LSQ step gradient is g·(round(x/s) − x/s) inside and g·Q_P at the clip', async () => {
  await initTfjs()
  const s = tf.scalar(0.5)
  const g = 0.25
  const ds = tf.grad((step: tf.Tensor) => tf.sum(lsqQuantize(tf.tensor1d([0.6]), step, -3, 3, g)))(
    s,
  )
  // x/s = 1.2, round = 1: 1 − 1.2 = −0.2, times g.
  assert.ok(Math.abs((ds.dataSync()[0] as number) - -0.2 * g) < 1e-6)
  const dClip = tf.grad((step: tf.Tensor) =>
    tf.sum(lsqQuantize(tf.tensor1d([10]), step, -3, 3, g)),
  )(s)
  assert.ok(Math.abs((dClip.dataSync()[0] as number) - 3 * g) < 1e-6)
})

test('LSQ gradient matches a finite difference of the (STE) surrogate inside the range', async () => {
  await initTfjs()
  // Surrogate with round treated as constant: f(s) = s·round(x/s0) − ... differentiate the clip-free part.
  const x = 0.6
  const f = (sv: number) => sv * Math.round(x / 0.5) // round frozen at s0 = 0.5
  const fd = (f(0.5 + 1e-4) - f(0.5 - 1e-4)) / 2e-4 // = round(x/s) = 1
  // LSQ's ∂x̂/∂s = round(x/s) − x/s: the surrogate's derivative minus x/s (from d(x/s)/ds · s).
  const ds = tf.grad((step: tf.Tensor) => tf.sum(lsqQuantize(tf.tensor1d([x]), step, -3, 3, 1)))(
    tf.scalar(0.5),
  )
  assert.ok(Math.abs((ds.dataSync()[0] as number) - (fd - x / 0.5)) < 1e-4)
})

test('AdaRound initialisation reproduces the fractional part: h(V(f)) = f', async () => {
  await initTfjs()
  for (const f of [0.1, 0.5, 0.83]) {
    const h = rectifiedSigmoid(tf.scalar(inverseRectifiedSigmoid(f))).dataSync()[0] as number
    assert.ok(Math.abs(h - f) < 1e-5)
  }
})
