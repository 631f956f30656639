import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { selectKth } from '../../harness/stats/describe.ts'
import {
  CALIBRATORS,
  calibrateRange,
  minMax,
  mseRange,
  percentileRange,
  quantError,
  uniformSample,
} from './calibrators.ts'
import { klThreshold } from './kl-calibrator.ts'
import { channelValues, qparamsFromRange } from './quantizer.ts'

/** 10,000 Gaussian values plus a single outlier at 40: the calibrators must disagree. */
function withOutlier(): Float32Array {
  const rng = new Rng(7)
  const x = Float32Array.from({ length: 10_000 }, () => rng.normal())
  x[0] = 40
  return x
}

test('minmax keeps the outlier; percentiles of a ramp are closed-form', () => {
  const x = withOutlier()
  assert.equal(minMax(x).hi, 40)
  const ramp = Float32Array.from({ length: 1001 }, (_, i) => i / 1000) // 0, 0.001, ..., 1
  assert.ok(Math.abs(percentileRange(ramp, 99.9, true).hi - 0.999) < 1e-6)
  const sym = Float32Array.from({ length: 2001 }, (_, i) => (i - 1000) / 1000)
  assert.ok(Math.abs(percentileRange(sym, 99.9, false).lo + 0.998) < 1e-6)
})

test('with an outlier, percentile, MSE and KL clip far below min-max', () => {
  const x = withOutlier()
  const spec = { bits: 4, symmetric: true }
  const mm = calibrateRange(x, spec, 'minmax').hi
  const p = calibrateRange(x, spec, 'p99.9').hi
  const mse = calibrateRange(x, spec, 'mse').hi
  const kl = calibrateRange(x, spec, 'kl').hi
  assert.equal(mm, 40)
  assert.ok(p > 3 && p < 4.5, `p99.9 = ${p}`)
  assert.ok(mse < 0.5 * mm, `mse = ${mse}`)
  assert.ok(kl < 0.5 * mm, `kl = ${kl}`)
  // The clipped ranges quantize the bulk with less squared error than min-max.
  const err = (hi: number) => quantError(x, qparamsFromRange(-hi, hi, spec))
  assert.ok(err(mse) < err(mm))
  assert.ok(err(p) < err(mm))
})

test('MSE calibration keeps the full range of a uniform distribution (nothing to clip)', () => {
  const x = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 2000)
  const r = calibrateRange(x, { bits: 8, symmetric: true }, 'mse')
  assert.ok(r.hi > 0.95, `hi = ${r.hi}`)
})

test('klThreshold() of a distribution inside its first bins is the distribution max', () => {
  // All mass in [0, 1) with max 1: with 2048 levels nothing needs clipping.
  const x = Float32Array.from({ length: 5000 }, (_, i) => i / 4999)
  assert.ok(klThreshold(x, 2048) >= 0.999)
})

test('klThreshold() ignores exact zeros (a post-ReLU spike that every grid represents exactly)', () => {
  const rng = new Rng(3)
  const pos = Float32Array.from({ length: 20_000 }, () => Math.abs(rng.normal()))
  const withZeros = new Float32Array(60_000)
  withZeros.set(pos)
  for (const levels of [16, 256]) {
    const t = klThreshold(withZeros, levels)
    assert.equal(t, klThreshold(pos, levels))
    // Half-normal values: the 16-level threshold stays above the 99th percentile (about 2.58).
    if (levels === 16) assert.ok(t > 2.58, `t = ${t}`)
  }
})

test('klThreshold() of an all-zero (dead) activation is 0, not the histogram width', () => {
  assert.equal(klThreshold(new Float32Array(100), 16), 0)
})

/** A [784, 300] kernel (output channel last) of N(0, 0.01²) weights with one outlier. */
function kernelWithOutlier(at: { row: number; channel: number }, value: number): Float32Array {
  const rng = new Rng(11)
  const w = Float32Array.from({ length: 784 * 300 }, () => 0.01 * rng.normal())
  w[at.row * 300 + at.channel] = value
  return w
}

test('minmax sees an outlier in an odd output channel of a [784, 300] kernel (no stride)', () => {
  // 235,200 values, channel = index mod 300: any stride that divides 300 skips whole channels.
  const w = kernelWithOutlier({ row: 123, channel: 17 }, 0.9)
  const spec = { bits: 8, symmetric: true, restricted: true }
  assert.equal(calibrateRange(w, spec, 'minmax').hi, Math.fround(0.9))
  // Symmetric 8-bit restricted: scale = max|w| / 127.
  const p = qparamsFromRange(-0.9, 0.9, spec)
  assert.ok(Math.abs(p.scale - 0.9 / 127) < 1e-6, `scale ${p.scale}`)
  // MSE's candidates are c·0.9 on the grid c = 1 − 0.7·k/49 (a stride would give c·0.04).
  const c = mseRange(w, { bits: 2, symmetric: true }).hi / Math.fround(0.9)
  const k = ((1 - c) * 49) / 0.7
  assert.ok(Math.abs(k - Math.round(k)) < 1e-4, `mse hi / 0.9 = ${c}`)
  // The per-channel view of that channel agrees.
  assert.equal(minMax(channelValues(w, 300, 17)).hi, Math.fround(0.9))
})

test('percentiles of a large odd-channel tensor are the exact order statistics', () => {
  // 0.01 % of 235,200 values = 23.5: 25 outliers at 0.9 in odd channels put the symmetric
  // p99.99 of |w| on the outlier plateau; a stride of 2 would never see them.
  const w = kernelWithOutlier({ row: 0, channel: 1 }, 0.9)
  for (let r = 1; r < 25; r++) w[r * 300 + 1 + 2 * r] = 0.9
  const sorted = Float32Array.from(w, Math.abs).sort()
  const pos = 0.9999 * (sorted.length - 1)
  const i = Math.floor(pos)
  const want =
    (sorted[i] as number) + (pos - i) * ((sorted[i + 1] as number) - (sorted[i] as number))
  const got = calibrateRange(w, { bits: 4, symmetric: true }, 'p99.99').hi
  assert.ok(Math.abs(got - want) < 1e-7, `${got} vs ${want}`)
  assert.ok(got > 0.5, `p99.99 = ${got}`)
})

test('selectKth() equals the sorted array at every rank, with ties and constant runs', () => {
  const rng = new Rng(29)
  for (const n of [1, 2, 3, 10, 257]) {
    const x = Float32Array.from({ length: n }, () => Math.round(rng.normal() * 3) + 0)
    const sorted = Float32Array.from(x).sort()
    for (let k = 0; k < n; k++) assert.equal(selectKth(Float32Array.from(x), k), sorted[k])
  }
  assert.equal(selectKth(new Float32Array(1000).fill(2), 500), 2)
  assert.throws(() => selectKth(new Float32Array(3), 3), RangeError)
})

test('uniformSample() keeps small inputs whole and draws a fixed seeded sample from large ones', () => {
  const x = Float32Array.from({ length: 5000 }, (_, i) => i)
  assert.equal(uniformSample(x, 5000), x)
  const s = uniformSample(x, 1000)
  assert.equal(s.length, 1000)
  assert.deepEqual(s, uniformSample(x, 1000))
  // Not a stride: both parities of index appear.
  const odd = s.filter((v) => v % 2 === 1).length
  assert.ok(odd > 400 && odd < 600, `odd ${odd}`)
})

test('every calibrator accepts a large tensor', () => {
  const w = kernelWithOutlier({ row: 5, channel: 299 }, -0.9)
  for (const c of CALIBRATORS) {
    const r = calibrateRange(w, { bits: 4, symmetric: true }, c)
    assert.ok(r.lo < 0 && r.hi > 0 && r.lo >= -0.9 - 1e-6, `${c}: [${r.lo}, ${r.hi}]`)
  }
})
