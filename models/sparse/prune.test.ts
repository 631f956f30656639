import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { randomDense } from './fixtures.ts'
import { applyMask, type MatrixRef, pruneGlobal, pruneLayers, pruneMagnitude } from './prune.ts'

const matrix = (seed: number, rows: number, cols: number, scale = 1): MatrixRef => ({
  values: randomDense(new Rng(seed), rows * cols).map((v) => v * scale),
  rows,
  cols,
})

test('pruneMagnitude() hits the target sparsity exactly and keeps the largest weights', () => {
  const m = matrix(1, 24, 36)
  for (const sparsity of [0, 0.5, 0.9, 0.95, 0.98, 1]) {
    const r = pruneMagnitude(m, { sparsity })
    assert.equal(r.kept, m.values.length - Math.round(sparsity * m.values.length))
    assert.equal(
      r.mask.reduce((s, v) => s + v, 0),
      r.kept,
    )
    let minKept = Number.POSITIVE_INFINITY
    let maxPruned = 0
    r.mask.forEach((on, i) => {
      const a = Math.abs(m.values[i] as number)
      if (on) minKept = Math.min(minKept, a)
      else maxPruned = Math.max(maxPruned, a)
    })
    if (r.kept > 0 && r.kept < m.values.length) assert.ok(minKept >= maxPruned)
  }
})

test('pruneMagnitude() respects 1x4 and 4x1 blocks and counts blocks exactly', () => {
  const m = matrix(2, 16, 24)
  for (const [pattern, br, bc] of [
    ['1x4', 1, 4],
    ['4x1', 4, 1],
  ] as const) {
    const r = pruneMagnitude(m, { sparsity: 0.9, pattern })
    const blocks = (16 * 24) / 4
    assert.equal(r.kept, (blocks - Math.round(0.9 * blocks)) * 4)
    for (let i = 0; i < 16; i += br)
      for (let k = 0; k < 24; k += bc) {
        let on = 0
        for (let a = 0; a < br; a++)
          for (let b = 0; b < bc; b++) on += r.mask[(i + a) * 24 + k + b] as number
        assert.ok(on === 0 || on === 4, `${pattern} block at ${i},${k} is split`)
      }
  }
  assert.throws(
    () => pruneMagnitude(matrix(3, 6, 5), { sparsity: 0.5, pattern: '1x4' }),
    RangeError,
  )
})

test('ties are broken by index, so equal magnitudes prune deterministically', () => {
  const r = pruneMagnitude(
    { values: new Float32Array(10).fill(1), rows: 2, cols: 5 },
    { sparsity: 0.3 },
  )
  assert.deepEqual(Array.from(r.mask), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
})

test('pruneGlobal() uses one threshold across layers; pruneLayers() prunes each to the target', () => {
  const small = matrix(4, 20, 20, 0.1)
  const large = matrix(5, 20, 20, 10)
  const [gs, gl] = pruneGlobal([small, large], { sparsity: 0.5 })
  assert.equal(gs!.kept + gl!.kept, 400)
  assert.ok(gs!.sparsity > 0.9 && gl!.sparsity < 0.1)
  for (const r of pruneLayers([small, large], { sparsity: 0.5 })) assert.equal(r.kept, 200)
  assert.throws(() => pruneGlobal([small], { sparsity: 1.5 }), RangeError)
})

test('applyMask() zeroes exactly the pruned weights', () => {
  const m = matrix(6, 4, 8)
  const r = pruneMagnitude(m, { sparsity: 0.75, pattern: '1x4' })
  const w = applyMask(m.values, r.mask)
  w.forEach((v, i) => {
    assert.equal(v === 0, r.mask[i] === 0)
  })
})
