import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import {
  accumulate,
  type FloatNet,
  im2col,
  quantizeInput,
  quantizeNet,
  runFloat,
  runInt,
  top1,
} from './int-net.ts'
import { buildBank, mapLayer, rowStats } from './mapping.ts'
import { exactLut, r1Lut } from './multipliers.ts'
import { randomImages, randomLenet } from './test-net.ts'

const net = randomLenet(1)
const calib = randomImages(2, 40)
const q = quantizeNet(net, calib, 40)
const n = 30
const codes = quantizeInput(q, randomImages(3, n))

test('im2col() lays out a 3×3 same-padded patch in (dy, dx, ci) order with zeros outside', () => {
  const x = Uint8Array.from({ length: 9 }, (_, i) => i + 1) // 3×3×1
  const patches = new Uint8Array(9 * 9)
  im2col({ h: 3, w: 3, cin: 1, k: 3, pad: 1, oh: 3, ow: 3 }, x, 0, patches)
  assert.deepEqual(Array.from(patches.subarray(0, 9)), [0, 0, 0, 0, 1, 2, 0, 4, 5])
  assert.deepEqual(Array.from(patches.subarray(4 * 9, 5 * 9)), [1, 2, 3, 4, 5, 6, 7, 8, 9])
})

test('the exact mode through the LUT path equals the plain int8 path bit for bit', () => {
  const plain = runInt(q, codes, n)
  const bank = buildBank(exactLut(), r1Lut(3, 'negative'), r1Lut(3, 'positive'))
  const plans = q.weighted.map(
    (l) =>
      mapLayer(l, 'exact', bank, rowStats(bank, new Float64Array(256).fill(1)), new Rng(0)).plan,
  )
  const viaLut = runInt(q, codes, n, { plans })
  assert.deepEqual(viaLut, plain)
  // and an approximate mode changes the logits
  const approx = q.weighted.map(
    (l) =>
      mapLayer(l, 'all-negative', bank, rowStats(bank, new Float64Array(256).fill(1)), new Rng(0))
        .plan,
  )
  assert.notDeepEqual(runInt(q, codes, n, { plans: approx }), plain)
})

test('the int8 net tracks the float net (same top-1 on most rows, logits within a few %)', () => {
  const x = randomImages(3, n)
  const f = runFloat(net, x, n)
  const i = runInt(q, codes, n)
  const labels = Int32Array.from({ length: n }, (_, r) => {
    let b = 0
    for (let c = 1; c < 10; c++) if ((f[r * 10 + c] as number) > (f[r * 10 + b] as number)) b = c
    return b
  })
  assert.ok(top1(i, labels, 10) >= 90, `agreement ${top1(i, labels, 10)}`)
  let err = 0
  let mag = 0
  for (let k = 0; k < f.length; k++) {
    err += Math.abs((f[k] as number) - (i[k] as number))
    mag += Math.abs(f[k] as number)
  }
  assert.ok(err / mag < 0.05, `relative logit error ${err / mag}`)
})

test('runInt() from a later layer on its cached input equals the full run', () => {
  const inputs: Uint8Array[] = []
  const full = runInt(q, codes, n, { onInput: (j, x) => (inputs[j] = x) })
  assert.deepEqual(runInt(q, inputs[2] as Uint8Array, n, { start: 2 }), full)
})

test('quantizeNet() rejects a negative layer input (zero-point-0 activations)', () => {
  const bad: FloatNet = {
    inputShape: [2],
    layers: [
      {
        kind: 'dense',
        name: 'd',
        w: Float32Array.of(1, 1),
        b: Float32Array.of(0),
        fanIn: 2,
        out: 1,
        relu: false,
      },
    ],
  }
  assert.throws(() => quantizeNet(bad, Float32Array.of(-1, 0.5), 1), /negative/)
})

test('accumulate() equals a naive dot product for K not a multiple of the unroll (plain and LUT)', () => {
  const K = 7
  const out = 3
  const R = 5
  const rng = new Rng(9)
  const wT = Int8Array.from({ length: out * K }, () => rng.int(255) - 127)
  const patchesT = Uint8Array.from({ length: K * R }, () => rng.int(256))
  const l = {
    kind: 'dense' as const,
    name: 't',
    K,
    out,
    positions: 1,
    wT,
    bias: Int32Array.of(5, -7, 0),
    sIn: 1,
    sW: new Float64Array(out).fill(1),
    sOut: 1,
    relu: true,
  }
  const want = new Int32Array(out * R)
  for (let c = 0; c < out; c++)
    for (let r = 0; r < R; r++) {
      let s = l.bias[c] as number
      for (let i = 0; i < K; i++) s += (wT[c * K + i] as number) * (patchesT[i * R + r] as number)
      want[c * R + r] = s
    }
  const got = new Int32Array(out * R)
  accumulate(l, patchesT, R, undefined, got)
  assert.deepEqual(got, want)
  const bank = buildBank(exactLut(), r1Lut(1, 'negative'), r1Lut(1, 'positive'))
  const plan = mapLayer(l, 'exact', bank, rowStats(bank, new Float64Array(256).fill(1)), rng).plan
  accumulate(l, patchesT, R, plan, got)
  assert.deepEqual(got, want)
})
