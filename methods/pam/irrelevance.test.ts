import assert from 'node:assert/strict'
import { test } from 'node:test'
import { irrelevanceSet, partitionFromIrrelevance } from './irrelevance.ts'

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
