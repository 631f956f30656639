import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { randomDense, randomSparse } from '../../models/sparse/fixtures.ts'
import { autotune, selectStable } from './autotune.ts'
import { nativeTarget, nativeToolchain, prepareNative } from './codegen-c.ts'
import { clusterRows } from './plan.ts'
import type { KernelTarget } from './types.ts'

const tc = nativeToolchain()
const cacheDir = mkdtempSync(join(tmpdir(), 'effbench-x86-test-'))
after(() => rmSync(cacheDir, { recursive: true, force: true }))
let tick = 0
const clock = () => tick++

/** (Y0 when accumulating) + b + W·X, then ReLU, in float64. */
function reference(
  w: Float32Array,
  x: Float32Array,
  M: number,
  K: number,
  N: number,
  o: { bias?: Float32Array; relu: boolean; y0?: Float32Array },
): Float64Array {
  const y = new Float64Array(M * N)
  for (let i = 0; i < M; i++)
    for (let n = 0; n < N; n++) {
      let acc = (o.y0?.[i * N + n] ?? 0) + (o.bias?.[i] ?? 0)
      for (let k = 0; k < K; k++) acc += (w[i * K + k] as number) * (x[k * N + n] as number)
      y[i * N + n] = o.relu ? Math.max(0, acc) : acc
    }
  return y
}

function maxError(a: Float32Array, ref: Float64Array): number {
  let diff = 0
  let scale = 1e-30
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (ref[i] as number)))
    scale = Math.max(scale, Math.abs(ref[i] as number))
  }
  return diff / scale
}

const isas = (['avx2', 'avx512'] as const).map((isa) => ({
  isa,
  skip:
    typeof tc === 'string'
      ? tc
      : !tc.x86
        ? 'needs x86-64 with AVX2 and FMA'
        : isa === 'avx512' && !tc.avx512
          ? 'this CPU has no AVX-512F'
          : false,
}))

// Odd shapes (M, K, N not multiples of the vector width or the row block), empty rows, a dense
// row, every init (bias | zero | residual | accumulate), K chunks, clustered and plain blocks.
const tiles = [
  { rowBlock: 1, colVectors: 1 },
  { rowBlock: 4, colVectors: 2, kBlocks: 3 },
  { rowBlock: 8, colVectors: 2, clusterRows: true },
  { rowBlock: 12, colVectors: 2, kBlocks: 2, clusterRows: true },
  { rowBlock: 3, colVectors: 3 },
  // The AVX-512 default: 24 clustered rows of one vector (a full block and a short one at M 29).
  { rowBlock: 24, colVectors: 1, kBlocks: 2, clusterRows: true },
]
for (const { isa, skip } of isas)
  test(`generated ${isa} kernels match a float64 reference on odd shapes, with the residual epilogue`, {
    skip,
  }, async () => {
    const rng = new Rng(7)
    let cases = 0
    for (const [t, tile] of tiles.entries())
      for (const N of [1, 13, 37, 50]) {
        const { clusterRows: cluster, ...shape } = tile
        if (isa === 'avx2' && shape.rowBlock * shape.colVectors + shape.colVectors + 1 > 16)
          continue
        const M = 29
        const K = 41
        const w = randomSparse(rng, M, K, t % 2 ? 0.1 : 0.3, 'unstructured')
        w.fill(0, 5 * K, 6 * K)
        for (let k = 0; k < K; k++) w[11 * K + k] = rng.normal()
        const x = randomDense(rng, K * N)
        const accumulate = (N + t) % 2 === 1
        const bias = N % 3 !== 0 ? randomDense(rng, M) : undefined
        const relu = (N + t) % 3 !== 1
        const y0 = randomDense(rng, M * N)
        const k = await prepareNative(
          w,
          {
            M,
            K,
            N,
            ...(bias ? { bias } : {}),
            relu,
            accumulate,
            isa,
            tile: shape,
            clusterRows: cluster ?? false,
            clock,
          },
          { cacheDir, units: 2 },
        )
        const y = accumulate ? Float32Array.from(y0) : new Float32Array(M * N).fill(Number.NaN)
        k.run(x, y)
        const ref = reference(w, x, M, K, N, {
          ...(bias ? { bias } : {}),
          relu,
          ...(accumulate ? { y0 } : {}),
        })
        const e = maxError(y, ref)
        assert.ok(e <= 1e-5, `${isa} ${JSON.stringify(tile)} N=${N} acc=${accumulate}: error ${e}`)
        assert.equal(k.isa, isa)
        k.dispose()
        cases++
      }
    assert.ok(cases >= 12)
  })

test('a kernel that drops a weight fails the float64 check (the check can fail)', {
  skip: isas[0]?.skip ?? false,
}, async () => {
  const rng = new Rng(3)
  const M = 9
  const K = 17
  const N = 21
  const w = randomSparse(rng, M, K, 0.3, 'unstructured')
  const x = randomDense(rng, K * N)
  const broken = Float32Array.from(w)
  const at = broken.findIndex((v) => v !== 0)
  broken[at] = 0
  const k = await prepareNative(broken, { M, K, N, clock }, { cacheDir, units: 1 })
  const y = new Float32Array(M * N)
  k.run(x, y)
  assert.ok(maxError(y, reference(w, x, M, K, N, { relu: false })) > 1e-3)
  k.dispose()
})

test('clusterRows() is a deterministic permutation that loads fewer X rows per block', () => {
  const rng = new Rng(11)
  const M = 96
  const K = 200
  const w = randomSparse(rng, M, K, 0.1, 'unstructured')
  const rows = Array.from({ length: M }, (_, i) => i)
  const out = clusterRows(w, K, rows, 8)
  assert.deepEqual(
    [...out].sort((a, b) => a - b),
    rows,
  )
  assert.deepEqual(clusterRows(w, K, rows, 8), out)
  const loads = (order: number[]) => {
    let total = 0
    for (let b = 0; b < order.length; b += 8) {
      const cols = new Set<number>()
      for (const i of order.slice(b, b + 8))
        for (let k = 0; k < K; k++) if (w[i * K + k] !== 0) cols.add(k)
      total += cols.size
    }
    return total
  }
  assert.ok(loads(out) < loads(rows), `${loads(out)} vs ${loads(rows)}`)
  assert.deepEqual(clusterRows(w, K, rows, 1), rows)
})

test('selectStable() takes the first candidate within the tolerance of the best', () => {
  assert.equal(selectStable([1.04, 1.0, 0.7], 0.05), 2)
  assert.equal(selectStable([1.04, 1.0, 1.02], 0.05), 0)
  assert.equal(selectStable([1.2, 1.0, 1.02], 0.05), 1)
  assert.equal(selectStable([3], 0), 0)
  assert.throws(() => selectStable([], 0.05), RangeError)
})

test('autotune() picks the same variant under timing jitter within the tolerance', async () => {
  // Candidate costs 10, 9.8, 12 (+ up to 3% jitter): 0 and 1 tie, so 0 (simpler) wins every time.
  const choices = new Set<number>()
  for (let seed = 1; seed <= 5; seed++) {
    const rng = new Rng(seed)
    const now = { t: 0 }
    const costs = [10, 9.8, 12]
    const target: KernelTarget = {
      ...nativeTarget,
      prepare: async (_w, o) => {
        const i = (o.tile?.rowBlock ?? 1) - 1
        return {
          target: 'native',
          tile: { rowBlock: i + 1, colVectors: 1, kBlocks: 1 },
          prepareMs: 0,
          codeBytes: 0,
          run: () => void (now.t += (costs[i] as number) * (1 + 0.03 * rng.next())),
          dispose: () => {},
        }
      },
    }
    const r = await autotune(
      target,
      new Float32Array(4),
      { M: 2, K: 2, N: 1 },
      { clock: () => now.t, candidates: [{ rowBlock: 1 }, { rowBlock: 2 }, { rowBlock: 3 }] },
    )
    choices.add(r.index)
    assert.equal(r.timings.length, 3)
  }
  assert.deepEqual([...choices], [0])
})
