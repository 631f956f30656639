import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from '../../studies/segmentation/layers.ts'
import {
  buildPerturbedHead,
  onnxExportDeviations,
  onnxHeadDeviation,
} from '../../studies/segmentation/onnx-check.ts'
import { buildSqueezeReasoning, squeezeReasoningHead, srMacs, srParams } from './block.ts'

const BRIEF = { channels: 512, inner: 256, nodes: 32 }

test('srMacs() matches the brief table (C = 512, C′ = 256): 0.40 / 1.61 / 3.71 / 6.46 GMAC', () => {
  const g = (s: number) => srMacs(BRIEF, s, s) / 1e9
  assert.equal(g(32).toFixed(2), '0.40')
  assert.equal(g(64).toFixed(2), '1.61')
  assert.equal(g(97).toFixed(2), '3.71')
  assert.equal(g(128).toFixed(2), '6.46')
  // linear in HW up to the GCN's constant
  const gcn = srMacs(BRIEF, 0, 0)
  assert.equal(srMacs(BRIEF, 64, 64) - gcn, 4 * (srMacs(BRIEF, 32, 32) - gcn))
})

test('SR builds exactly srParams() trainable scalars and keeps the feature shape', async () => {
  await initTfjs({ prefer: 'wasm' })
  for (const widths of [
    { channels: 8, inner: 4, nodes: 2 },
    { channels: 32, inner: 16, nodes: 4 },
    { channels: 32, inner: 16, nodes: 16 },
  ]) {
    const store = new ParamStore(new Rng(1))
    const block = buildSqueezeReasoning(store, widths)
    assert.equal(store.count(), srParams(widths))
    const y = tf.tidy(() => block.apply(tf.randomNormal([2, 5, 3, widths.channels]), true))
    assert.deepEqual(y.shape, [2, 5, 3, widths.channels])
    y.dispose()
    store.dispose()
  }
  assert.throws(
    () => buildSqueezeReasoning(new ParamStore(new Rng(0)), { channels: 8, inner: 4, nodes: 3 }),
    /not a multiple of 3 nodes/,
  )
})

/** The block in plain loops, eval mode with fresh running stats (BN = x / √(1 + ε)). */
function reference(
  x: Float32Array,
  hw: number,
  C: number,
  Cp: number,
  N: number,
  w: Float32Array[],
): { a: Float64Array; out: Float32Array } {
  const [wt, wp, wg, adj, , , state, , , wz, gnG, gnB] = w as Float32Array[]
  const d = Cp / N
  const bn = 1 / Math.sqrt(1 + 1e-5)
  const proj = (m: Float32Array) => {
    const out = new Float64Array(hw * Cp)
    for (let p = 0; p < hw; p++)
      for (let o = 0; o < Cp; o++) {
        let s = 0
        for (let c = 0; c < C; c++) s += (x[p * C + c] as number) * (m[c * Cp + o] as number)
        out[p * Cp + o] = s
      }
    return out
  }
  const T = proj(wt as Float32Array)
  const P = proj(wp as Float32Array)
  const G = proj(wg as Float32Array)
  const v = new Float64Array(Cp)
  for (let c = 0; c < Cp; c++)
    for (let p = 0; p < hw; p++)
      v[c] = (v[c] as number) + (P[p * Cp + c] as number) * (G[p * Cp + c] as number)
  const Z = (n: number, k: number) => v[k * N + n] as number
  const Z1 = new Float64Array(N * d)
  for (let n = 0; n < N; n++)
    for (let k = 0; k < d; k++) {
      let s = 0
      for (let m = 0; m < N; m++) s += (adj as Float32Array)[n * N + m]! * Z(m, k)
      Z1[n * d + k] = Math.max(0, s * bn) + Z(n, k)
    }
  const a = new Float64Array(Cp)
  for (let n = 0; n < N; n++)
    for (let j = 0; j < d; j++) {
      let s = 0
      for (let k = 0; k < d; k++)
        s += (state as Float32Array)[j * d + k]! * (Z1[n * d + k] as number)
      a[n * d + j] = Math.max(0, s * bn)
    }
  const r = C / Cp
  const Y = new Float64Array(hw * C)
  for (let p = 0; p < hw; p++)
    for (let o = 0; o < C; o++) {
      const c = Math.floor(o / r)
      Y[p * C + o] = (wz as Float32Array)[o]! * (a[c] as number) * (T[p * Cp + c] as number)
    }
  const out = new Float32Array(hw * C)
  for (let g = 0; g < Cp; g++) {
    let s = 0
    let s2 = 0
    for (let p = 0; p < hw; p++)
      for (let o = g * r; o < (g + 1) * r; o++) {
        s += Y[p * C + o] as number
        s2 += (Y[p * C + o] as number) ** 2
      }
    const m = s / (hw * r)
    const varr = s2 / (hw * r) - m * m
    for (let p = 0; p < hw; p++)
      for (let o = g * r; o < (g + 1) * r; o++)
        out[p * C + o] =
          (((Y[p * C + o] as number) - m) / Math.sqrt(varr + 1e-5)) * gnG![o]! +
          gnB![o]! +
          x[p * C + o]!
  }
  return { a, out }
}

test('SR forward equals a loop reference with the strided split and the row-major unsqueeze', async () => {
  await initTfjs({ prefer: 'wasm' })
  // N ≠ d, so that swapping the split's or the unsqueeze's order changes a.
  for (const [C, Cp, N] of [
    [8, 4, 2],
    [12, 6, 2],
    [12, 6, 3],
  ] as const) {
    const store = new ParamStore(new Rng(3))
    const block = buildSqueezeReasoning(store, { channels: C, inner: Cp, nodes: N })
    // Non-trivial norm affines, so that a wrong channel order would show.
    const gn = store.variables.at(-2) as tf.Variable
    gn.assign(tf.tensor1d(Array.from({ length: C }, (_, i) => 0.5 + 0.1 * i)))
    const rng = new Rng(9)
    const x = Float32Array.from({ length: 3 * 2 * C }, () => rng.normal())
    const want = reference(
      x,
      6,
      C,
      Cp,
      N,
      store.variables.map((v) => v.dataSync() as Float32Array),
    )
    const xt = tf.tensor4d(x, [1, 3, 2, C])
    const a = block.reweighting(xt, false).dataSync()
    assert.ok(
      want.a.some((v) => v > 0),
      'the test needs some positive channel weights',
    )
    for (let i = 0; i < Cp; i++)
      assert.ok(
        Math.abs(a[i]! - want.a[i]!) < 1e-3 * (1 + Math.abs(want.a[i]!)),
        `a[${i}]: ${a[i]} vs ${want.a[i]}`,
      )
    const got = block.apply(xt, false).dataSync()
    for (let i = 0; i < want.out.length; i++)
      assert.ok(Math.abs(got[i]! - want.out[i]!) < 1e-3, `${i}: ${got[i]} vs ${want.out[i]}`)
    store.dispose()
  }
})

test('SR trains: every variable of the block gets a non-zero gradient', async () => {
  await initTfjs({ prefer: 'wasm' })
  const store = new ParamStore(new Rng(2))
  const block = buildSqueezeReasoning(store, { channels: 8, inner: 4, nodes: 2 })
  const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 5) as tf.Tensor4D
  const target = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 6)
  const { grads } = tf.variableGrads(
    () => tf.mean(tf.square(tf.sub(block.apply(x, true), target))) as tf.Scalar,
    store.variables,
  )
  for (const v of store.variables) {
    const g = grads[v.name] as tf.Tensor
    assert.ok(tf.max(tf.abs(g)).dataSync()[0]! > 0, `zero gradient for ${v.shape}`)
  }
  store.dispose()
})

test('the ONNX export of SR gives the tfjs output on onnxruntime-node (odd sizes, batch 2)', async () => {
  await initTfjs({ prefer: 'wasm' })
  for (const { label, maxAbsError, maxAbs } of await onnxExportDeviations(
    squeezeReasoningHead,
    [2, 8],
  )) {
    assert.ok(maxAbs > 0.1, `${label}: the output is not trivially small`)
    assert.ok(
      maxAbsError <= 1e-4 * Math.max(1, maxAbs),
      `${label}: |tfjs − ort| = ${maxAbsError} (scale ${maxAbs})`,
    )
  }
})

test('the ONNX comparison catches a weight that differs from the exported one', async () => {
  await initTfjs({ prefer: 'wasm' })
  const widths = { channels: 8, inner: 4, nodes: 2 }
  const dims = { batch: 1, h: 5, w: 3 }
  const { store, block } = buildPerturbedHead(squeezeReasoningHead, widths, dims, new Rng(3))
  // Export happens inside onnxHeadDeviation; a head whose tfjs path adds 0.01 after the export
  // snapshot must be reported as deviating.
  const shifted = {
    apply: (x: tf.Tensor4D, training: boolean) =>
      tf.add(block.apply(x, training), 0.01) as tf.Tensor4D,
    toOnnx: block.toOnnx,
  }
  const { maxAbsError } = await onnxHeadDeviation(shifted, widths.channels, dims, new Rng(4))
  assert.ok(Math.abs(maxAbsError - 0.01) < 1e-4, `deviation ${maxAbsError}`)
  store.dispose()
})
