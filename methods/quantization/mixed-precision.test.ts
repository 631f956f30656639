import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allocateBits } from './mixed-precision.ts'

test('allocateBits() spends bits where the loss increase is largest, within the budget', () => {
  // Layer 0 is large and insensitive, layer 1 small and sensitive.
  const omega = [
    [0.1, 0.0],
    [5.0, 0.0],
  ]
  const bits = allocateBits(omega, [900, 100], [2, 8], 2.6)
  assert.deepEqual(bits, [2, 8])
  assert.throws(() => allocateBits(omega, [900, 100], [2, 8], 1), /Cannot allocate/)
})
