import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  addToKernel,
  emptyKernel,
  kdeMutualInformation,
  neuronFeatures,
  neuronMutualInformation,
  scaleToUnit,
  scaleToUnitStd,
  setMutualInformation,
} from './mutual-information.ts'

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

test('neuronFeatures() takes the max of each conv channel over its positions', () => {
  // 2 samples × 2 channels × 3 positions
  const acts = Float32Array.from([0, 2, 1, 5, 0, 0, 3, 3, 4, 0, 0, 7])
  const f = neuronFeatures(acts, 2, 2, 3)
  assert.deepEqual(
    f.map((x) => [...x]),
    [
      [2, 4],
      [5, 7],
    ],
  )
  assert.deepEqual([...neuronFeatures(Float32Array.from([1, 2, 3, 4]), 2, 2, 1)[1]!], [2, 4])
})

test('setMutualInformation() of the empty set is 0 and of a separating set is H(Y)', () => {
  const n = 8
  const task = { labels: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]), classes: 2 }
  const sep = Float64Array.from(task.labels, (y) => y * 100)
  const flat = new Float64Array(n).fill(0.5)
  assert.equal(setMutualInformation([sep, flat], [], n, task, 0.1), 0)
  assert.ok(Math.abs(setMutualInformation([sep, flat], [1], n, task, 0.1)) < 1e-12)
  assert.ok(Math.abs(setMutualInformation([sep, flat], [0, 1], n, task, 0.1) - Math.log(2)) < 1e-9)
})

test('neuronMutualInformation() matches the closed form of each neuron alone', () => {
  // Neuron 0: points 0, 0 | 1, 1 at σ² = 0.5 (closed form as above); neuron 1: constant (0).
  const n = 4
  const task = { labels: Int32Array.from([0, 0, 1, 1]), classes: 2 }
  const e = Math.exp(-1)
  const expected = -Math.log((2 + 2 * e) / 4)
  const mi = neuronMutualInformation(
    [Float64Array.from([0, 0, 1, 1]), new Float64Array(4).fill(3)],
    n,
    task,
    0.5,
  )
  assert.ok(Math.abs(mi[0]! - expected) < 1e-12)
  assert.ok(Math.abs(mi[1]!) < 1e-12)
})

test('scaleToUnit() divides every feature by the largest value of all', () => {
  const f = [Float64Array.from([1, 2]), Float64Array.from([4, 0])]
  scaleToUnit(f)
  assert.deepEqual(
    f.map((x) => [...x]),
    [
      [0.25, 0.5],
      [1, 0],
    ],
  )
})

test('scaleToUnitStd() divides by the mean standard deviation of the non-constant features', () => {
  // Standard deviations 1 and 3 (mean 2); the constant feature does not count.
  const f = [Float64Array.from([0, 2]), Float64Array.from([0, 6]), Float64Array.from([5, 5])]
  scaleToUnitStd(f)
  assert.deepEqual(
    f.map((x) => [...x]),
    [
      [0, 1],
      [0, 3],
      [2.5, 2.5],
    ],
  )
})
