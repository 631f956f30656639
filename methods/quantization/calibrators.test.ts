import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { calibrateRange, minMax, percentileRange, quantError } from './calibrators.ts'
import { klThreshold } from './kl-calibrator.ts'
import { qparamsFromRange } from './quantizer.ts'

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
