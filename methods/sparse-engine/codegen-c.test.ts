import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import {
  kernelCases,
  randomDense,
  randomSparse,
  relativeError,
} from '../../models/sparse/fixtures.ts'
import { denseGemm } from '../../models/sparse/reference.ts'
import { autoKBlocks, nativeAvailable, nativeToolchain, prepareNative } from './codegen-c.ts'

const available = nativeAvailable()
const skip = available.ok ? false : available.reason
const cacheDir = mkdtempSync(join(tmpdir(), 'effbench-sparse-test-'))
after(() => rmSync(cacheDir, { recursive: true, force: true }))
let tick = 0
const clock = () => tick++

test('nativeAvailable() names the missing compiler when PATH has none', () => {
  assert.deepEqual(nativeAvailable('/nonexistent-effbench-dir'), {
    ok: false,
    reason: 'no C compiler (cc/gcc) on PATH',
  })
})

for (const emit of ['asm', 'c'] as const) {
  const tc = nativeToolchain()
  const why =
    skip ||
    (emit === 'asm' && typeof tc !== 'string' && !tc.x86
      ? 'assembly emitter needs x86-64 with AVX2 and FMA'
      : false)
  test(`generated native kernels (${emit}) match the dense reference on every edge case`, {
    skip: why,
  }, async () => {
    // The C emitter is checked on a subset: GCC is slower than the assembler.
    const cases = kernelCases().filter((_, i) => emit === 'asm' || i % 4 === 0)
    for (const c of cases) {
      const k = await prepareNative(
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
        { emit, cacheDir, units: 1, opt: '-O1', isa: 'avx2' },
      )
      const y = new Float32Array(c.M * c.N).fill(Number.NaN)
      k.run(c.x, y)
      assert.ok(
        relativeError(y, c.expected) <= 1e-4,
        `${c.name} (${emit}): error ${relativeError(y, c.expected)}`,
      )
      k.dispose()
    }
  })
}

test('a native library is cached by the hash of its sources and flags', { skip }, async () => {
  const c = kernelCases()[5]!
  const opts = { M: c.M, K: c.K, N: c.N, relu: c.relu, tile: c.tile, clock }
  const a = await prepareNative(c.w, opts, { cacheDir, units: 2 })
  const b = await prepareNative(c.w, opts, { cacheDir, units: 2 })
  assert.equal(b.library, a.library)
  assert.equal(b.cached, true)
  assert.ok(a.library.startsWith(cacheDir) && a.library.endsWith('.so'))
  const w2 = Float32Array.from(c.w, (v) => v * 2)
  const d = await prepareNative(w2, opts, { cacheDir, units: 2 })
  assert.notEqual(d.library, a.library)
  for (const k of [a, b, d]) k.dispose()
})

test('a tile that needs more than 16 registers is refused by the assembly emitter', {
  skip,
}, async () => {
  const tc = nativeToolchain()
  if (typeof tc === 'string' || !tc.x86) return
  const c = kernelCases()[0]!
  await assert.rejects(
    prepareNative(
      c.w,
      { M: c.M, K: c.K, N: c.N, tile: { rowBlock: 4, colVectors: 4 }, isa: 'avx2', clock },
      { cacheDir },
    ),
    RangeError,
  )
  // AVX-512 has 32: 4 x 4 fits there, 8 x 4 (32 accumulators + 4 X + 1) does not.
  if (!tc.avx512) return
  await assert.rejects(
    prepareNative(
      c.w,
      { M: c.M, K: c.K, N: c.N, tile: { rowBlock: 8, colVectors: 4 }, isa: 'avx512', clock },
      { cacheDir },
    ),
    RangeError,
  )
})

test('autoKBlocks() keeps a column tile of an X chunk within 16 KB', () => {
  // 768x3072 at 2 vectors: 3072 rows x 64 B = 192 KB -> 12 chunks of 256 rows (16 KB each).
  assert.equal(autoKBlocks(3072, 2), 12)
  assert.equal(autoKBlocks(768, 2), 3)
  assert.equal(autoKBlocks(768, 4), 6)
  assert.equal(autoKBlocks(96, 2), 1)
  // Y of 3072 x 128 floats (1.5 MB) would be swept once per chunk: one chunk.
  assert.equal(autoKBlocks(768, 2, 16, undefined, 3072 * 128 * 4), 1)
  assert.equal(autoKBlocks(3072, 2, 16, undefined, 768 * 128 * 4), 24)
})

test('a native kernel left to pick its K chunks uses autoKBlocks and stays exact', {
  skip,
}, async () => {
  const [M, K, N] = [8, 1100, 11]
  const rng = new Rng(9)
  const w = randomSparse(rng, M, K, 0.1, 'unstructured')
  const x = randomDense(rng, K * N)
  const bias = randomDense(rng, M)
  const k = await prepareNative(
    w,
    { M, K, N, bias, relu: true, tile: { rowBlock: 2, colVectors: 1 }, isa: 'avx2', clock },
    { cacheDir, units: 1, opt: '-O1' },
  )
  assert.equal(autoKBlocks(K, 1), 2)
  assert.equal(k.tile.kBlocks, 2)
  const ref = new Float32Array(M * N)
  denseGemm(w, x, ref, { M, K, N }, { bias, relu: true })
  const y = new Float32Array(M * N).fill(Number.NaN)
  k.run(x, y)
  assert.ok(relativeError(y, ref) <= 1e-4)
  k.dispose()
})
