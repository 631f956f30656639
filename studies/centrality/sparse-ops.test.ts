import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { edgeAggregate, pairGatherAdd } from './sparse-ops.ts'

const near = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length)
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-4, `${i}: ${a[i]} vs ${b[i]}`)
}

describe('centrality sparse ops', () => {
  before(async () => {
    await initTfjs({ prefer: 'wasm' })
  })
  // A directed edge list with a repeated destination and an isolated vertex (3).
  const src = new Int32Array([0, 1, 2, 0, 2])
  const dst = new Int32Array([1, 0, 1, 2, 4])

  it('edgeAggregate() equals gather + unsortedSegmentSum, forward and gradient', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2])
    const w = tf.tensor2d([1, -2, 3, 0.5, 2, 1, -1, 4, 0, 3], [5, 2])
    const ref = (t: tf.Tensor) =>
      tf.unsortedSegmentSum(tf.gather(t, tf.tensor1d(src, 'int32')), tf.tensor1d(dst, 'int32'), 5)
    near(edgeAggregate(x, src, dst, 5).dataSync(), ref(x).dataSync())
    near(edgeAggregate(x, src, dst, 5).dataSync().slice(6, 8), [0, 0])
    const g1 = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(edgeAggregate(t as tf.Tensor2D, src, dst, 5), w)),
    )(x)
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ref(t), w)))(x)
    near(g1.dataSync(), g2.dataSync())
  })

  it('pairGatherAdd() equals gather(a, I) + gather(b, J), forward and gradient', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2])
    const b = tf.tensor2d([10, 20, 30, 40, 50, 60], [3, 2])
    const I = new Int32Array([0, 2, 2, 1])
    const J = new Int32Array([1, 0, 1, 1])
    const ref = (x: tf.Tensor, y: tf.Tensor) =>
      tf.add(tf.gather(x, tf.tensor1d(I, 'int32')), tf.gather(y, tf.tensor1d(J, 'int32')))
    near(pairGatherAdd(a, b, I, J).dataSync(), ref(a, b).dataSync())
    const w = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(pairGatherAdd(x as tf.Tensor2D, y as tf.Tensor2D, I, J), w)),
    )([a, b])
    const [ra, rb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(ref(x, y), w)))([a, b])
    near((ga as tf.Tensor).dataSync(), (ra as tf.Tensor).dataSync())
    near((gb as tf.Tensor).dataSync(), (rb as tf.Tensor).dataSync())
  })
})
