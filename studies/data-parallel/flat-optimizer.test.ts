import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { flatAdam, flatSgd } from './flat-optimizer.ts'

test('flatAdam() takes the same steps as tf.train.adam (float tolerance)', async () => {
  await initTfjs({ prefer: 'wasm' })
  const start = Float32Array.from([0.5, -1.25, 2, 0.001, -0.3])
  const gradients = [
    [0.1, -0.2, 0.3, 1e-4, 5],
    [-0.4, 0.05, 0.3, -2, 0],
    [0.2, 0.2, -0.1, 0.7, -1],
  ].map((g) => Float32Array.from(g))
  const v = tf.variable(tf.tensor1d(start), true, 'flat-adam-test')
  const adam = tf.train.adam(0.01)
  const params = start.slice()
  const flat = flatAdam(start.length, 0.01)
  for (const g of gradients) {
    const t = tf.tensor1d(g)
    adam.applyGradients([{ name: 'flat-adam-test', tensor: t }])
    t.dispose()
    flat.step(params, g)
  }
  const expected = v.dataSync()
  for (let i = 0; i < params.length; i++)
    assert.ok(
      Math.abs((params[i] as number) - (expected[i] as number)) < 1e-6,
      `param ${i}: ${params[i]} vs tf ${expected[i]}`,
    )
  // Three steps with gradients of one sign (mostly) move a parameter by about 3 learning rates.
  assert.ok((params[2] as number) < 2 - 0.015, `param 2 moved to ${params[2]}`)
  adam.dispose()
  v.dispose()
})

test('flatSgd() subtracts the learning rate times the gradient; flatAdam() checks lengths', () => {
  const p = Float32Array.from([1, 2])
  flatSgd(0.5).step(p, Float32Array.from([2, -4]))
  assert.deepEqual([...p], [0, 4])
  assert.throws(() => flatAdam(2, 0.1).step(p, new Float32Array(3)), RangeError)
})

test('flatAdam(): two replicas splitting each step over ranges reach one step over all, bit for bit', () => {
  const size = 101
  const init = Float32Array.from({ length: size }, (_, i) => Math.sin(i))
  const whole = init.slice()
  const split = init.slice()
  const one = flatAdam(size, 0.01)
  const [a, b] = [flatAdam(size, 0.01), flatAdam(size, 0.01)]
  for (let s = 1; s <= 5; s++) {
    const g = Float32Array.from({ length: size }, (_, i) => Math.cos(i * s) * 0.1)
    one.step(whole, g)
    a.stepRange(split, g, 0, 40)
    b.stepRange(split, g, 40, size)
  }
  assert.notDeepEqual(whole, init)
  assert.deepEqual(split, whole)
  assert.throws(() => a.stepRange(split, split, 50, 40), /Cannot take an Adam step on \[50, 40\)/)
})
