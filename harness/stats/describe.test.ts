import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../run/rng.ts'
import {
  bootstrapInterval,
  iqr,
  mad,
  mean,
  median,
  medianInPlace,
  medianInterval,
  quantile,
  sd,
  tInterval,
} from './describe.ts'

const xs = [2, 4, 4, 4, 5, 5, 7, 9]
const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`)

test('descriptive statistics match hand-computed values', () => {
  close(mean(xs), 5)
  close(sd(xs), Math.sqrt(32 / 7))
  close(median(xs), 4.5)
  // R: quantile(x, c(.25, .75)) (type 7) = 4, 5.5
  close(quantile(xs, 0.25), 4)
  close(quantile(xs, 0.75), 5.5)
  close(iqr(xs), 1.5)
  // |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 -> median .5
  close(mad(xs), 0.5)
  assert.throws(() => mean([]), /the sample is empty/)
})

test('tInterval() is mean ± t(0.975, n-1)·sd/√n', () => {
  const ci = tInterval(xs)
  const half = 2.364624252 * (Math.sqrt(32 / 7) / Math.sqrt(8))
  close(ci.lo, 5 - half)
  close(ci.hi, 5 + half)
  assert.deepEqual(tInterval([3]), { lo: 3, hi: 3 })
})

test('medianInPlace() equals the sorted median for odd and even lengths', () => {
  const rng = new Rng(3)
  for (const n of [1, 2, 7, 100, 101]) {
    const v = Array.from({ length: n }, () => Math.floor(rng.next() * 10))
    close(medianInPlace(Float64Array.from(v)), median(v))
  }
})

test('medianInterval() brackets the median; bootstrapInterval() is seeded', () => {
  const rng = new Rng(1)
  const v = Array.from({ length: 400 }, () => rng.normal())
  const ci = medianInterval(v)
  assert.ok(ci.lo < median(v) && median(v) < ci.hi)
  assert.ok(ci.hi - ci.lo < 0.4)
  const a = bootstrapInterval(v, new Rng(9), { resamples: 200 })
  const b = bootstrapInterval(v, new Rng(9), { resamples: 200 })
  assert.deepEqual(a, b)
  assert.ok(a.lo < mean(v) && mean(v) < a.hi)
})
