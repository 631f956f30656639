import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { mlp } from '../mlp.ts'
import { train } from '../train.ts'
import { maskDenseKernels } from './masked.ts'

test('masks re-applied after every step keep pruned weights at zero through fine-tuning', async () => {
  await initTfjs()
  const rng = new Rng(3)
  const model = mlp.build(mlp.params.parse({ inputSize: 12, hidden: [10], numClasses: 3 }), rng)
  const masks = maskDenseKernels(model, { sparsity: 0.8 })
  const zerosOf = () =>
    masks.kernels.map((k) => (k.dataSync() as Float32Array).filter((v) => v === 0).length)
  assert.deepEqual(zerosOf(), [Math.round(0.8 * 120), Math.round(0.8 * 30)])
  assert.equal(masks.kept, 120 + 30 - Math.round(0.8 * 120) - Math.round(0.8 * 30))
  const x = tf.randomNormal([40, 12], 0, 1, 'float32', 1)
  const y = tf.tensor1d(
    Array.from({ length: 40 }, (_, i) => i % 3),
    'int32',
  )
  const before = masks.kernels.map((k) => Float32Array.from(k.dataSync() as Float32Array))
  await train(model, x, y, {
    rng,
    epochs: 2,
    batchSize: 8,
    learningRate: 0.05,
    afterStep: masks.apply,
  })
  const after = masks.kernels.map((k) => k.dataSync() as Float32Array)
  assert.deepEqual(zerosOf(), [Math.round(0.8 * 120), Math.round(0.8 * 30)])
  // Zeros stayed where they were, and the kept weights did train.
  after.forEach((a, i) => {
    const b = before[i] as Float32Array
    for (let j = 0; j < a.length; j++)
      if (b[j] === 0) assert.ok(a[j] === 0, `weight ${j} of kernel ${i}`)
  })
  assert.ok(after.some((a, i) => a.some((v, j) => v !== (before[i] as Float32Array)[j])))
  tf.dispose([x, y])
  masks.dispose()
  model.dispose()
})
