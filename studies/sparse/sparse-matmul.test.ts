import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from '../../datasets/fake-context.ts'
import { sparseMatmul, sparseReference } from './sparse-matmul.ts'

test('sparse-matmul is determined by its seed and hits the target sparsity', async () => {
  const p = sparseMatmul.params.parse({ shape: '16x24', N: 5, sparsity: 0.75 })
  const a = await sparseMatmul.load(fakeContext(1), p)
  const b = await sparseMatmul.load(fakeContext(1), p)
  const c = await sparseMatmul.load(fakeContext(2), p)
  assert.deepEqual(a.w, b.w)
  assert.deepEqual(a.x, b.x)
  assert.equal(a.wHash, b.wHash)
  assert.notEqual(a.wHash, c.wHash)
  assert.equal(a.M, 16)
  assert.equal(a.K, 24)
  assert.equal(a.nnz, 16 * 24 - Math.round(0.75 * 16 * 24))
  assert.equal(a.nnz, a.w.filter((v) => v !== 0).length)
  assert.equal(a.expected.length, 16 * 5)
  assert.ok(a.expected.every((v) => v >= 0))
})

test('sparse-matmul 1x4 keeps whole blocks; the reference is relu(W·X + b)', async () => {
  const d = await sparseMatmul.load(
    fakeContext(3),
    sparseMatmul.params.parse({ shape: '8x16', N: 3, sparsity: 0.5, pattern: '1x4' }),
  )
  for (let i = 0; i < 8; i++)
    for (let k = 0; k < 16; k += 4) {
      const on = [0, 1, 2, 3].filter((b) => d.w[i * 16 + k + b] !== 0).length
      assert.ok(on === 0 || on === 4)
    }
  const y = sparseReference(
    Float32Array.of(1, 2, 0, -1),
    Float32Array.of(1, 0),
    Float32Array.of(1, 2, 3, 4, 5, 6),
    2,
    2,
    3,
  )
  assert.deepEqual(Array.from(y), [10, 13, 16, 0, 0, 0])
  assert.throws(() => sparseMatmul.params.parse({ shape: '8by16', N: 1, sparsity: 0.5 }))
})
