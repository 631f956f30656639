import assert from 'node:assert/strict'
import { test } from 'node:test'
import { kernelCases, relativeError } from '../../models/sparse/fixtures.ts'
import { emitWasmModule, prepareWasm, wasmTarget } from './codegen-wasm.ts'
import { planKernel } from './plan.ts'
import { wasmApi } from './wasm-emitter.ts'

let tick = 0
const clock = () => tick++

test('generated wasm kernels match the dense reference on every edge case', () => {
  for (const c of kernelCases()) {
    for (const tier of ['optimized', 'default'] as const) {
      const k = prepareWasm(
        c.w,
        {
          M: c.M,
          K: c.K,
          N: c.N,
          ...(c.bias ? { bias: c.bias } : {}),
          relu: c.relu,
          tile: c.tile,
          clock,
        },
        { tier },
      )
      const y = new Float32Array(c.M * c.N).fill(Number.NaN)
      k.run(c.x, y)
      assert.ok(
        relativeError(y, c.expected) <= 1e-4,
        `${c.name} (${tier}): error ${relativeError(y, c.expected)}`,
      )
      k.run(c.x, y)
      assert.ok(relativeError(y, c.expected) <= 1e-4, `${c.name}: second run differs`)
    }
  }
})

test('the emitted wasm module validates and bakes weights, not index arrays', () => {
  const c = kernelCases()[4]!
  const plan = planKernel(
    c.w,
    { M: c.M, K: c.K, N: c.N, clock },
    { rowBlock: 2, colVectors: 2, kBlocks: 1 },
  )
  const { bytes, constants } = emitWasmModule(plan)
  assert.ok(wasmApi?.validate(bytes))
  // The constants hold the nonzeros in emission order and nothing that indexes them.
  const nnz = c.w.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0)
  assert.deepEqual(
    Array.from(constants.subarray(0, nnz)).sort(),
    Array.from(c.w.filter((v) => v !== 0)).sort(),
  )
})

test('wasmTarget reports its tile and the prepare time from the injected clock', async () => {
  const c = kernelCases()[0]!
  let t = 100
  const k = await wasmTarget.prepare(c.w, {
    M: c.M,
    K: c.K,
    N: c.N,
    tile: { rowBlock: 3 },
    clock: () => (t += 5),
  })
  assert.equal(k.target, 'wasm')
  assert.deepEqual(k.tile, { rowBlock: 3, colVectors: 4, kBlocks: 1 })
  assert.equal(k.prepareMs, 5)
  assert.throws(() => k.run(new Float32Array(3), new Float32Array(c.M * c.N)), TypeError)
  assert.throws(
    () => prepareWasm(c.w, { M: c.M, K: c.K, N: c.N, tile: { rowBlock: 0 }, clock }),
    RangeError,
  )
})
