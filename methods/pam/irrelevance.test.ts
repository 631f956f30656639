import assert from 'node:assert/strict'
import { test } from 'node:test'
import { irrelevanceSet, marginalIrrelevance, partitionFromIrrelevance } from './irrelevance.ts'

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

test('marginalIrrelevance() takes every neuron whose own MI is within α, however many', () => {
  const n = 40
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2)
  const informative = Float64Array.from(labels, (y) => y)
  const constant = new Float64Array(n).fill(0.3)
  // Constant and label-independent neurons (each residue of i mod 2 meets every noise value
  // equally often) carry nothing alone; the informative one only passes a large α.
  const noise = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 5) / 4)
  const features = [informative, constant, noise, constant.slice()]
  assert.deepEqual(marginalIrrelevance(features, n, { labels, classes: 2 }, 0.05, 0.1), [1, 2, 3])
  assert.deepEqual(marginalIrrelevance(features, n, { labels, classes: 2 }, 10, 0.1), [0, 1, 2, 3])
})
