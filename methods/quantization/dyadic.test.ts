import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dyadicMultiplier, dyadicValue, requantize } from './dyadic.ts'

test('dyadicMultiplier(0.75) is exactly 12582912 / 2^24', () => {
  assert.deepEqual(dyadicMultiplier(0.75), { b: 12582912, c: 24 })
  assert.equal(dyadicValue(dyadicMultiplier(0.75)), 0.75)
})

test('a dyadic multiplier is within 2^-24 relative of the real one', () => {
  for (const m of [1e-4, 0.00123, 0.3, 0.999, 1.7]) {
    const d = dyadicMultiplier(m)
    assert.ok(d.b >= 2 ** 23 && d.b < 2 ** 24)
    assert.ok(Math.abs(dyadicValue(d) - m) / m <= 2 ** -24)
  }
})

test('requantize() rounds half up, adds the zero point and saturates', () => {
  const half = dyadicMultiplier(0.5)
  assert.equal(requantize(5, half, 0, 0, 255), 3) // 2.5 -> 3
  assert.equal(requantize(-5, half, 0, -128, 127), -2) // -2.5 -> -2
  assert.equal(requantize(4, half, 10, 0, 255), 12)
  assert.equal(requantize(1000, half, 0, 0, 255), 255)
  assert.equal(requantize(-7, half, 0, 0, 255), 0) // ReLU by saturation at Z = 0
  assert.throws(() => requantize(2 ** 30, half, 0, 0, 255), /exceeds/)
})
