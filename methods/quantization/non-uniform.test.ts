import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { apotLevels, kmeans1d, nearestLevel, potLevels, quantizeToLevels } from './non-uniform.ts'
import { fakeQuantize, qparamsFromRange, squaredError } from './quantizer.ts'

test('potLevels(3) is {0, ±α/4, ±α/2, ±α}', () => {
  assert.deepEqual([...potLevels(3, 2)], [-2, -1, -0.5, 0, 0.5, 1, 2])
  assert.deepEqual([...potLevels(2, 1)], [-1, 0, 1])
})

test('apotLevels(3) sums a power of four and an odd power of two: {0, 1/3, 2/3, 1}·α', () => {
  const l = [...apotLevels(3, 1.5)]
  assert.deepEqual(l, [-1.5, -1, -0.5, 0, 0.5, 1, 1.5])
  assert.equal(apotLevels(4, 1).length, 15) // 8 magnitudes, 0 shared
})

test('nearestLevel() finds the closest level', () => {
  const l = Float64Array.from([-1, 0, 0.5, 2])
  assert.equal(nearestLevel(l, 0.2), 1)
  assert.equal(nearestLevel(l, 1.3), 3)
  assert.equal(nearestLevel(l, -5), 0)
})

test('k-means on two clusters finds their centres', () => {
  const x = [...Array(50).fill(-1), ...Array(50).fill(3)]
  assert.deepEqual([...kmeans1d(x, 2)], [-1, 3])
})

test('k-means at 3 bits quantizes Gaussian weights with less error than uniform min-max', () => {
  const rng = new Rng(3)
  const w = Float32Array.from({ length: 4000 }, () => rng.normal())
  const km = quantizeToLevels(w, kmeans1d(w, 8))
  let m = 0
  for (const v of w) m = Math.max(m, Math.abs(v))
  const uni = fakeQuantize(w, [qparamsFromRange(-m, m, { bits: 3, symmetric: true })])
  assert.ok(squaredError(w, km) < squaredError(w, uni))
})
