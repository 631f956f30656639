import assert from 'node:assert/strict'
import { test } from 'node:test'
import { measureLatency } from './latency.ts'

test('measureLatency() keeps ordered invariants and batches calls faster than a sample', async () => {
  let calls = 0
  const r = await measureLatency(
    () => {
      calls++
    },
    { timeMs: 20, minSamples: 5, warmupMs: 5, maxTimeMs: 40, minSampleMs: 0.5 },
  )
  assert.ok(r.samples.length >= 5)
  assert.ok(r.callsPerSample > 1, 'a no-op is batched')
  assert.ok(calls >= r.samples.length * r.callsPerSample)
  const sorted = [...r.samples].sort((a, b) => a - b)
  const min = sorted[0] as number
  const med = sorted[Math.floor(sorted.length / 2)] as number
  const max = sorted[sorted.length - 1] as number
  assert.ok(min >= 0 && min <= med && med <= max)
})
