import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kernelCases, relativeError } from '../../models/sparse/fixtures.ts'
import {
  autotune,
  defaultCandidates,
  pairedScores,
  selectStable,
  TUNE_TOLERANCE,
} from './autotune.ts'
import { wasmTarget } from './codegen-wasm.ts'
import type { KernelTarget, Tile } from './types.ts'

/** A target whose kernels advance a fake clock by a cost that depends on the tile. */
function fakeTarget(now: { t: number }, cost: (tile: Tile) => number): KernelTarget {
  return {
    name: 'wasm',
    defaultTile: { rowBlock: 1, colVectors: 1, kBlocks: 1 },
    vectorWidth: () => 4,
    available: () => ({ ok: true }),
    prepare: async (_w, o) => {
      const tile = { rowBlock: 1, colVectors: 1, kBlocks: 1, ...o.tile }
      if (tile.rowBlock > 8) throw new RangeError('too many rows')
      now.t += 10
      return {
        target: 'wasm',
        tile,
        prepareMs: 10,
        codeBytes: 0,
        run: () => void (now.t += cost(tile)),
        dispose: () => {},
      }
    },
  }
}

test('autotune() keeps the fastest candidate and records every timing and failure', async () => {
  const now = { t: 0 }
  const target = fakeTarget(now, (t) => Math.abs(t.rowBlock - 4) + 1)
  const c = kernelCases()[0]!
  const r = await autotune(
    target,
    c.w,
    { M: c.M, K: c.K, N: c.N },
    {
      clock: () => now.t,
      candidates: [{ rowBlock: 1 }, { rowBlock: 4 }, { rowBlock: 16 }, { rowBlock: 8 }],
      reps: 3,
    },
  )
  assert.equal(r.tile.rowBlock, 4)
  assert.deepEqual(
    r.timings.map((t) => t.status),
    ['ok', 'ok', 'error', 'ok'],
  )
  const ok = r.timings.filter((t) => t.status === 'ok')
  assert.deepEqual(
    ok.map((t) => t.medianMs),
    [4, 1, 5],
  )
  for (const t of ok)
    assert.ok(Math.min(...t.samplesMs) <= t.medianMs && t.medianMs <= Math.max(...t.samplesMs))
  assert.equal(r.tuneMs, now.t)
})

test('autotune() on the wasm target returns a correct kernel', async () => {
  const c = kernelCases()[6]!
  let t = 0
  const r = await autotune(
    wasmTarget,
    c.w,
    { M: c.M, K: c.K, N: c.N, relu: c.relu, ...(c.bias ? { bias: c.bias } : {}) },
    {
      clock: () => t++,
      candidates: defaultCandidates(wasmTarget),
      reps: 2,
    },
  )
  const y = new Float32Array(c.M * c.N)
  r.kernel.run(c.x, y)
  assert.ok(relativeError(y, c.expected) <= 1e-4)
  assert.equal(r.timings.length, defaultCandidates(wasmTarget).length)
})

test('selectStable() gives candidates within the tolerance of the best to the simpler one', () => {
  // 4% apart: a tie at 5%, whichever of the two noise makes faster.
  assert.equal(selectStable([1.0, 0.962], 0.05), 0)
  assert.equal(selectStable([0.962, 1.0], 0.05), 0)
  // The first of three near-equal candidates, even when the last is the fastest.
  assert.equal(selectStable([1.03, 1.01, 0.99], 0.05), 0)
  // A tie with the best but not with the first: the first of the tied ones.
  assert.equal(selectStable([1.2, 1.02, 1.0], 0.05), 1)
  // The default margin absorbs the ±11% that load moved candidates by between runs here.
  assert.equal(selectStable([1.0, 0.894], TUNE_TOLERANCE), 0)
  assert.equal(selectStable([1.0, 1.036, 0.914], TUNE_TOLERANCE), 0)
})

test('selectStable() lets a clearly faster candidate win', () => {
  assert.equal(selectStable([1.0, 0.9], 0.05), 1)
  assert.equal(selectStable([1.0, 0.97, 0.8], 0.05), 2)
  assert.equal(selectStable([1.29, 1.0], TUNE_TOLERANCE), 1)
  assert.equal(selectStable([1.0, 0.9], 0), 1)
  assert.throws(() => selectStable([], 0.05), RangeError)
  assert.throws(() => selectStable([1], -0.1), RangeError)
})

test('pairedScores() cancels load that hits a whole round', () => {
  // Round 2 ran three times slower for everyone: the paired scores do not move.
  const scores = pairedScores([
    [1, 3, 1],
    [0.8, 2.4, 0.8],
    [1.1, 3.3, 1.1],
  ])
  assert.deepEqual(
    scores.map((s) => Math.round(s * 100) / 100),
    [1, 0.8, 1.1],
  )
})

test('autotune() picks the same variant when a slower-by-3% simpler one is noisy', async () => {
  // Candidate 1 is 3% faster than candidate 0 in truth; rounds add up to ±2% noise per call.
  const now = { t: 0 }
  let call = 0
  const noise = [0.02, -0.02, 0.01, -0.01, 0, 0.015, -0.015]
  const target = fakeTarget(now, (t) => {
    const n = noise[call++ % noise.length] as number
    return (t.rowBlock === 4 ? 0.97 : 1) * (1 + n)
  })
  const c = kernelCases()[0]!
  const r = await autotune(
    target,
    c.w,
    { M: c.M, K: c.K, N: c.N },
    { clock: () => now.t, candidates: [{ rowBlock: 1 }, { rowBlock: 4 }], reps: 7, burst: 1 },
  )
  assert.equal(r.index, 0)
})
