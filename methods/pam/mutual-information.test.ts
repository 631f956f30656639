import assert from 'node:assert/strict'
import { test } from 'node:test'
import { irrelevanceSet, partitionFromIrrelevance } from './irrelevance.ts'
import { addToKernel, emptyKernel, kdeMutualInformation } from './mutual-information.ts'

test('kdeMutualInformation() is 0 for the empty set and H(Y) = log 2 for a separating neuron', () => {
  const n = 8
  const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1])
  const task = { labels, classes: 2 }
  assert.equal(kdeMutualInformation(emptyKernel(n), n, task), 0)
  const kernel = emptyKernel(n)
  addToKernel(
    kernel,
    n,
    Float64Array.from(labels, (y) => y * 100),
    1 / 0.2,
  )
  assert.ok(Math.abs(kdeMutualInformation(kernel, n, task) - Math.log(2)) < 1e-9)
})

test('kdeMutualInformation() matches the closed form for two points per class', () => {
  // Points 0, 0 (class 0) and 1, 1 (class 1), σ² = 0.5: kernel between classes e = exp(-1).
  const n = 4
  const task = { labels: Int32Array.from([0, 0, 1, 1]), classes: 2 }
  const kernel = emptyKernel(n)
  addToKernel(kernel, n, Float64Array.from([0, 0, 1, 1]), 1)
  const e = Math.exp(-1)
  const expected = -Math.log((2 + 2 * e) / 4) - -Math.log(2 / 2)
  assert.ok(Math.abs(kdeMutualInformation(kernel, n, task) - expected) < 1e-12)
  // The same through the one-candidate path.
  const viaExtra = kdeMutualInformation(emptyKernel(n), n, task, {
    values: Float64Array.from([0, 0, 1, 1]),
    invTwoSigma2: 1,
  })
  assert.ok(Math.abs(viaExtra - expected) < 1e-12)
})

test('irrelevanceSet() takes constant and label-independent neurons, not informative ones', () => {
  const n = 40
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2)
  const informative = Float64Array.from(labels, (y) => y)
  const constant = new Float64Array(n).fill(0.3)
  const features = [informative, constant]
  const set = irrelevanceSet(features, n, { labels, classes: 2 }, 0.05, 0.1)
  assert.deepEqual(set, [1])
})

test('partitionFromIrrelevance() splits deleted, task-specific and shared neurons', () => {
  // Neuron 0 irrelevant to both, 1 relevant to A only, 2 relevant to B only, 3 relevant to both.
  const part = partitionFromIrrelevance(4, [
    [0, 2],
    [0, 1],
  ])
  assert.deepEqual([...part], [-2, 0, 1, -1])
})
