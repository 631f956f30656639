import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { linearFit } from './summary.ts'

describe('multilayer-embedding summary', () => {
  it('linearFit() recovers an exact line (R² = 1) and a hand-computed R²', () => {
    const exact = linearFit([1, 2, 3], [3, 5, 7])
    assert.ok(Math.abs(exact.slope - 2) < 1e-12 && Math.abs(exact.intercept - 1) < 1e-12)
    assert.ok(Math.abs(exact.r2 - 1) < 1e-12)
    // x = 1, 2, 3; y = 1, 3, 2: sxy = 1, sxx = 2, syy = 2, so R² = 1 / 4.
    assert.ok(Math.abs(linearFit([1, 2, 3], [1, 3, 2]).r2 - 0.25) < 1e-12)
  })
})
