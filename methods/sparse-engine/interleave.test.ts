import assert from 'node:assert/strict'
import { test } from 'node:test'
import { interleavedMetrics, medianInterval, timeInterleaved } from './interleave.ts'
import { transposeMatrix } from './layout.ts'

test('timeInterleaved() alternates the two calls and takes per-round ratios', async () => {
  let t = 0
  const calls: string[] = []
  const r = await timeInterleaved(
    () => {
      calls.push('a')
      t += 2
    },
    () => {
      calls.push('b')
      t += 6
    },
    { timeMs: 0, minSamples: 4, warmup: 1, now: () => t },
  )
  assert.deepEqual(calls, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'])
  assert.deepEqual(r.aMs, [2, 2, 2, 2])
  assert.deepEqual(r.bMs, [6, 6, 6, 6])
  assert.deepEqual(r.ratios, [3, 3, 3, 3])
  const m = interleavedMetrics(r)
  assert.equal(m.speedup?.value, 3)
  assert.equal(m.latency_ms?.value, 2)
  assert.equal(m.baseline_ms?.value, 6)
})

test('medianInterval() brackets the median by order statistics', () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i)
  const [lo, hi] = medianInterval(xs)
  // n = 100: ranks 50 ∓ 1.96·√100/2 = 40.2 .. 59.8 -> values 41 and 60 (1-based ranks 41, 60).
  assert.equal(lo, 41)
  assert.equal(hi, 60)
  assert.deepEqual(medianInterval([5]), [5, 5])
})

test('transposeMatrix() transposes and rejects short buffers', () => {
  assert.deepEqual(
    Array.from(transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3)),
    [1, 4, 2, 5, 3, 6],
  )
  assert.throws(() => transposeMatrix(new Float32Array(5), 2, 3), /2 x 3 needs 6 values/)
})
