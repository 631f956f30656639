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

test('measureLatency() with injectSlowdown makes each call that much slower', async () => {
  const busy = () => {
    const t0 = performance.now()
    while (performance.now() - t0 < 0.5) {
      // half a millisecond of work
    }
  }
  const opts = { timeMs: 30, minSamples: 10, warmupMs: 5, maxTimeMs: 30, minSampleMs: 0.1 }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  // Three interleaved pairs, and the median of their ratios: a pair that another process
  // preempted (the tests share 2 cores) does not decide it.
  const ratios: number[] = []
  for (let pair = 0; pair < 3; pair++) {
    const base = await measureLatency(busy, opts)
    const slow = await measureLatency(busy, { ...opts, injectSlowdown: 0.5 })
    ratios.push(med(slow.samples) / med(base.samples))
  }
  const ratio = med(ratios)
  assert.ok(ratio > 1.35 && ratio < 1.7, `ratios ${ratios.join(', ')}`)
})
