import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kernelCases, relativeError } from '../../models/sparse/fixtures.ts'
import { autotune, defaultCandidates } from './autotune.ts'
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
