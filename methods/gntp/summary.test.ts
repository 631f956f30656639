import assert from 'node:assert/strict'
import { test } from 'node:test'
import { logLogSlope } from './summary.ts'

test('logLogSlope() recovers the exponent of a power law', () => {
  assert.ok(
    Math.abs(
      logLogSlope([1000, 2000, 8000, 32000].map((x) => [x, 3e-4 * x ** 1.5] as const)) - 1.5,
    ) < 1e-9,
  )
  assert.ok(
    Math.abs(
      logLogSlope([
        [1, 5],
        [10, 5],
        [100, 5],
      ]),
    ) < 1e-12,
  )
  assert.ok(Number.isNaN(logLogSlope([[1, 1]])))
})
