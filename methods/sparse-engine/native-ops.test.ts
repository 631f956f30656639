import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { randomDense, relativeError } from '../../models/sparse/fixtures.ts'
import { denseGemm } from '../../models/sparse/reference.ts'
import { nativeAvailable } from './codegen-c.ts'
import { attentionScratch, loadNativeOps, packRows } from './native-ops.ts'

const available = nativeAvailable()
const skip = available.ok ? false : available.reason
const cacheDir = mkdtempSync(join(tmpdir(), 'effbench-ops-test-'))
after(() => rmSync(cacheDir, { recursive: true, force: true }))

test('dense_gemm matches the reference with bias and ReLU, odd shapes', { skip }, () => {
  const ops = loadNativeOps(cacheDir)
  const rng = new Rng(5)
  for (const [M, K, N] of [
    [7, 5, 3],
    [9, 33, 37],
    [4, 16, 64],
    [13, 20, 35],
    // Two full 32-column AVX-512 tiles, then six scalar columns.
    [6, 12, 70],
  ] as const) {
    const w = randomDense(rng, M * K)
    const x = randomDense(rng, K * N)
    const bias = randomDense(rng, M)
    const ref = new Float32Array(M * N)
    denseGemm(w, x, ref, { M, K, N }, { bias, relu: true })
    const y = new Float32Array(M * N).fill(Number.NaN)
    ops.denseGemm(packRows(w, M, K), x, y, bias, M, K, N, true)
    assert.ok(relativeError(y, ref) <= 1e-5, `${M}x${K}x${N}: ${relativeError(y, ref)}`)
  }
  ops.dispose()
})

/** softmax(Qᵀ K / √dh) Vᵀ per head on feature-major [Q; K; V], in float64. */
function attentionRef(qkv: Float32Array, T: number, d: number, H: number): Float32Array {
  const dh = d / H
  const out = new Float32Array(d * T)
  for (let h = 0; h < H; h++)
    for (let i = 0; i < T; i++) {
      const s = new Float64Array(T)
      for (let j = 0; j < T; j++) {
        let a = 0
        for (let c = 0; c < dh; c++)
          a += (qkv[(h * dh + c) * T + i] as number) * (qkv[(d + h * dh + c) * T + j] as number)
        s[j] = a / Math.sqrt(dh)
      }
      const m = Math.max(...s)
      let z = 0
      for (let j = 0; j < T; j++) {
        s[j] = Math.exp((s[j] as number) - m)
        z += s[j] as number
      }
      for (let c = 0; c < dh; c++) {
        let a = 0
        for (let j = 0; j < T; j++)
          a += ((s[j] as number) / z) * (qkv[(2 * d + h * dh + c) * T + j] as number)
        out[(h * dh + c) * T + i] = a
      }
    }
  return out
}

test('attention matches a float64 multi-head reference (vector exp, odd T, wide logits)', {
  skip,
}, () => {
  const ops = loadNativeOps(cacheDir)
  const rng = new Rng(6)
  for (const [T, d, H, gain] of [
    [13, 24, 3, 1],
    [37, 48, 4, 4],
    [32, 64, 2, 8],
  ] as const) {
    const qkv = randomDense(rng, 3 * d * T).map((v) => v * gain)
    const out = new Float32Array(d * T)
    ops.attention(qkv, out, new Float32Array(attentionScratch(T, d, H)), T, d, H)
    const e = relativeError(out, attentionRef(qkv, T, d, H))
    assert.ok(e <= 1e-5, `T ${T} d ${d} H ${H}: error ${e}`)
    assert.throws(() => ops.attention(qkv, out, new Float32Array(T * T), T, d, H), RangeError)
  }
  ops.dispose()
})

test('layernorm after a residual equals add_layernorm', { skip }, () => {
  const ops = loadNativeOps(cacheDir)
  const rng = new Rng(8)
  const [d, T] = [12, 9]
  const x = randomDense(rng, d * T)
  const a = randomDense(rng, d * T)
  const g = randomDense(rng, d)
  const b = randomDense(rng, d)
  const fused = x.map((v, i) => v + (a[i] as number))
  ops.addLayerNorm(x, a, g, b, new Float32Array(2 * T), d, T, 1e-5)
  ops.layerNorm(fused, g, b, new Float32Array(2 * T), d, T, 1e-5)
  assert.ok(relativeError(fused, x) <= 1e-6)
  ops.dispose()
})

test('add_layernorm computes LN(x + a)·γ + β per token over features', { skip }, () => {
  const ops = loadNativeOps(cacheDir)
  const rng = new Rng(7)
  const [d, T] = [10, 6]
  const x = randomDense(rng, d * T)
  const a = randomDense(rng, d * T)
  const g = randomDense(rng, d)
  const b = randomDense(rng, d)
  const ref = new Float32Array(d * T)
  for (let t = 0; t < T; t++) {
    const col = Array.from(
      { length: d },
      (_, c) => (x[c * T + t] as number) + (a[c * T + t] as number),
    )
    const mean = col.reduce((s, v) => s + v, 0) / d
    const v = col.reduce((s, u) => s + (u - mean) ** 2, 0) / d
    col.forEach((u, c) => {
      ref[c * T + t] = ((u - mean) / Math.sqrt(v + 1e-5)) * (g[c] as number) + (b[c] as number)
    })
  }
  ops.addLayerNorm(x, a, g, b, new Float32Array(2 * T), d, T, 1e-5)
  assert.ok(relativeError(x, ref) <= 1e-5)
  ops.dispose()
})
