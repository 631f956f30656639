import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kernelCases, relativeError } from './fixtures.ts'
import { csrToDense, toBlockCsr, toCsr } from './formats.ts'
import { blockCsrSpmm, csrSpmm, denseGemm } from './reference.ts'

test('denseGemm() computes a hand-checked product with bias and ReLU', () => {
  // W = [[1, 2], [0, -1]], X = [[1, 2, 3], [4, 5, 6]], bias = [1, 0]
  const w = Float32Array.of(1, 2, 0, -1)
  const x = Float32Array.of(1, 2, 3, 4, 5, 6)
  const y = new Float32Array(6)
  denseGemm(w, x, y, { M: 2, K: 2, N: 3 }, { bias: Float32Array.of(1, 0) })
  assert.deepEqual(Array.from(y), [10, 13, 16, -4, -5, -6])
  denseGemm(w, x, y, { M: 2, K: 2, N: 3 }, { bias: Float32Array.of(1, 0), relu: true })
  assert.deepEqual(Array.from(y), [10, 13, 16, 0, 0, 0])
})

test('toCsr() and toBlockCsr() keep every nonzero; csrToDense() inverts toCsr()', () => {
  const c = kernelCases()[12]!
  const csr = toCsr(c.w, c.M, c.K)
  assert.deepEqual(csrToDense(csr), c.w)
  assert.equal(csr.nnz, c.w.filter((v) => v !== 0).length)
  const bsr = toBlockCsr(c.w, c.M, c.K, 4)
  assert.ok(bsr.blockCol.every((k) => k % 4 === 0))
  assert.throws(() => toBlockCsr(new Float32Array(10), 2, 5, 4), RangeError)
})

test('TS CSR and block-CSR SpMM match the dense reference on every edge case', () => {
  for (const c of kernelCases()) {
    const ep = c.bias ? { bias: c.bias, relu: c.relu } : { relu: c.relu }
    const y = new Float32Array(c.M * c.N).fill(Number.NaN)
    csrSpmm(toCsr(c.w, c.M, c.K), c.x, y, c.N, ep)
    assert.ok(relativeError(y, c.expected) <= 1e-4, `csr ${c.name}`)
    if (c.K % 4 === 0) {
      y.fill(Number.NaN)
      blockCsrSpmm(toBlockCsr(c.w, c.M, c.K), c.x, y, c.N, ep)
      assert.ok(relativeError(y, c.expected) <= 1e-4, `block-csr ${c.name}`)
    }
  }
})
