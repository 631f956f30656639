import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../run/rng.ts'
import {
  bootstrapRatioOfMedians,
  cliffsDelta,
  geomean,
  geomeanRatio,
  hodgesLehmann,
  mannWhitneyU,
  outlierFlags,
  pairedBySeed,
} from './compare.ts'

function close(actual: number | undefined, expected: number, tol: number, what: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol}`,
  )
}

// Hollander & Wolfe (1973, p. 69): permeability constants of the human chorioamnion, the data of
// the example in R's ?wilcox.test. R: wilcox.test(x, y, alternative = "g") gives W = 35,
// p-value = 0.1272 (so the two-sided exact p is 0.2544); with exact = FALSE, p-value = 0.2446.
const HW_X = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
const HW_Y = [1.15, 0.88, 0.9, 0.74, 1.21]

// R's ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))
// gives W = 127.5, p-value = 0.0001208 (ties, so the normal approximation with correction).
// Ozone in May and August 1973 (New York), the NA readings removed.
const OZONE_MAY = [
  41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115,
  37,
]
const OZONE_AUG = [
  39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118,
  84, 85,
]

test('mannWhitneyU() gives the exact p-value of the Hollander & Wolfe example', () => {
  const r = mannWhitneyU(HW_X, HW_Y)
  assert.equal(r.method, 'exact')
  assert.equal(r.u, 35)
  close(r.p, 0.2544, 5e-5, 'two-sided exact p') // 2 × 0.1272061 = 0.2544123
})

test('mannWhitneyU() exact p for complete separation is 2 / C(m + n, m)', () => {
  // [1, 2, 3] vs [4, 5, 6, 7]: U = 0 is the most extreme of C(7, 3) = 35 equally likely arrangements.
  const r = mannWhitneyU([1, 2, 3], [4, 5, 6, 7])
  assert.deepEqual(r, { u: 0, p: 2 / 35, method: 'exact' })
  const flipped = mannWhitneyU([4, 5, 6, 7], [1, 2, 3])
  assert.equal(flipped.u, 12)
  assert.equal(flipped.p, 2 / 35)
})

test('mannWhitneyU() normal approximation matches R with ties and with exact = FALSE', () => {
  const ozone = mannWhitneyU(OZONE_MAY, OZONE_AUG)
  assert.equal(ozone.method, 'normal')
  assert.equal(ozone.u, 127.5)
  close(ozone.p, 0.0001208, 5e-8, 'airquality p')
  const hw = mannWhitneyU(HW_X, HW_Y, { method: 'normal' })
  close(hw.p, 0.2446, 5e-5, 'Hollander & Wolfe, exact = FALSE')
})

test('mannWhitneyU() switches to the normal approximation above 25 per sample', () => {
  const odd = Array.from({ length: 25 }, (_, i) => 2 * i + 1)
  const even = odd.map((v) => v + 1)
  const exact = mannWhitneyU(odd, even)
  assert.equal(exact.method, 'exact')
  assert.equal(exact.u, 300) // 0 + 1 + ... + 24
  close(exact.p, 0.8175043, 1e-7, 'exact p at 25 × 25') // scipy.stats.mannwhitneyu(method='exact')
  assert.equal(mannWhitneyU([...odd, 51], even).method, 'normal')
  assert.throws(() => mannWhitneyU([1, 2], [2, 3], { method: 'exact' }), /ties/)
})

test('mannWhitneyU() gives p = 1 when every value is tied and names an empty sample', () => {
  assert.deepEqual(mannWhitneyU([3, 3], [3, 3, 3]), { u: 3, p: 1, method: 'normal' })
  assert.throws(() => mannWhitneyU([], [1]), /Cannot compute Mann-Whitney U: sample "a" is empty/)
  assert.throws(() => mannWhitneyU([1], [Number.NaN]), RangeError)
})

test("cliffsDelta() equals 2U/(mn) - 1 and labels magnitudes at Romano's thresholds", () => {
  // Hollander & Wolfe: U = 35 of mn = 50 pairs, no ties → delta = 35/50 - 15/50 = 0.4.
  assert.deepEqual(cliffsDelta(HW_X, HW_Y), { delta: 0.4, magnitude: 'medium' })
  // Ties count for neither side: [1, 2, 3] vs [2, 2, 4] → (2 - 5) / 9.
  close(cliffsDelta([1, 2, 3], [2, 2, 4]).delta, -1 / 3, 1e-15, 'with ties')
  const b = Array.from({ length: 1000 }, (_, i) => i)
  const label = (x: number) => cliffsDelta([x], b).magnitude
  assert.equal(label(572.5), 'negligible') // (573 - 427) / 1000 = 0.146
  assert.equal(label(573.5), 'small') // 0.148
  assert.equal(label(664.5), 'medium') // 0.330
  assert.equal(label(736.5), 'large') // 0.474
  assert.equal(cliffsDelta([0], b).magnitude, 'large')
})

test('hodgesLehmann() is the median of the pairwise differences', () => {
  // Hollander & Wolfe: the 25th and 26th of the 50 sorted x_i - y_j are 0.30 and 0.31.
  close(hodgesLehmann(HW_X, HW_Y), 0.305, 1e-12, 'Hollander & Wolfe shift')
  assert.equal(hodgesLehmann([1, 2, 3], [0]), 2)
  assert.equal(hodgesLehmann([10], [1, 2, 3, 4]), 7.5)
})

test('hodgesLehmann() agrees with brute force on samples too large to enumerate', () => {
  const rng = new Rng(11)
  const a = Array.from({ length: 1300 }, () => Math.round(rng.normal() * 50) / 10 + 1)
  const b = Array.from({ length: 900 }, () => Math.exp(rng.normal()))
  const diffs = new Float64Array(a.length * b.length)
  let w = 0
  for (const x of a) for (const y of b) diffs[w++] = x - y
  diffs.sort()
  const mid = diffs.length / 2
  const expected = ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2
  assert.equal(hodgesLehmann(a, b), expected)
})

test('bootstrapRatioOfMedians() is reproducible for a seed and brackets the ratio', () => {
  const rng = new Rng(3)
  const base = Array.from({ length: 40 }, () => 10 + rng.normal())
  const fast = Array.from({ length: 40 }, () => 5 + 0.5 * rng.normal())
  const one = bootstrapRatioOfMedians(fast, base, { rng: new Rng(42) })
  const two = bootstrapRatioOfMedians(fast, base, { rng: new Rng(42) })
  assert.deepEqual(one, two)
  assert.ok(one.lo <= one.ratio && one.ratio <= one.hi, JSON.stringify(one))
  assert.ok(one.lo > 0.4 && one.hi < 0.6, JSON.stringify(one))
  const other = bootstrapRatioOfMedians(fast, base, { rng: new Rng(43) })
  assert.notDeepEqual(other, one)
  const narrow = bootstrapRatioOfMedians(fast, base, { rng: new Rng(42), level: 0.5 })
  assert.ok(narrow.hi - narrow.lo < one.hi - one.lo)
})

test('bootstrapRatioOfMedians() of constant samples is a point interval', () => {
  const r = bootstrapRatioOfMedians([6, 6, 6], [2, 2], { rng: new Rng(1), resamples: 50 })
  assert.deepEqual(r, { ratio: 3, lo: 3, hi: 3 })
  assert.throws(
    () => bootstrapRatioOfMedians([1], [0, 0], { rng: new Rng(1) }),
    /the median of "b" is 0/,
  )
})

test('outlierFlags() flags by Tukey fences and by the modified z-score, dropping nothing', () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]
  // Q1 = 3.25, Q3 = 7.75 (type 7), IQR = 4.5 → fences [-3.5, 14.5].
  const tukey = outlierFlags(xs, { method: 'tukey' })
  assert.equal(tukey.length, xs.length)
  assert.deepEqual(
    tukey.map((f, i) => (f ? xs[i] : null)).filter((v) => v !== null),
    [100],
  )
  // median 5.5, MAD 2.5 → scale 3.7065; |1 - 5.5| / 3.7065 = 1.21.
  assert.deepEqual(outlierFlags(xs, { method: 'mad' }), [...Array(9).fill(false), true])
  assert.deepEqual(outlierFlags(xs, { method: 'mad', k: 1.2 }), [
    true,
    ...Array(8).fill(false),
    true,
  ])
  // MAD = 0: the mean absolute deviation (4/6 × 1.2533) stands in; 4 / 0.8355 = 4.8 > 3.5.
  assert.deepEqual(outlierFlags([5, 5, 5, 5, 5, 9], { method: 'mad' }), [
    false,
    false,
    false,
    false,
    false,
    true,
  ])
  assert.deepEqual(outlierFlags([2, 2, 2], { method: 'mad' }), [false, false, false])
})

test('geomean() and geomeanRatio() compute the log-space t interval', () => {
  close(geomean([1, 2, 4, 8]), Math.sqrt(8), 1e-14, 'geomean')
  assert.throws(() => geomean([1, 0]), /Cannot compute geometric mean: value 0 is not > 0/)
  // ratios 1 and 4: mean log = ln 2, sd = ln 4 / √2, half-width = t(0.975, 1) · ln 2, where
  // t(0.975, 1) = tan(0.475π) = 12.7062047361747 (Cauchy quantile).
  const r = geomeanRatio([1, 4])
  close(r.geomean, 2, 1e-14, 'geomean ratio')
  close(r.lo, 2 ** (1 - 12.7062047361747), 1e-9, 'lo')
  close(r.hi, 2 ** (1 + 12.7062047361747), 1e-9 * 2 ** 13.7, 'hi')
  assert.deepEqual(geomeanRatio([1.5]), { geomean: 1.5, n: 1 })
  const same = geomeanRatio([2, 2, 2])
  assert.deepEqual([same.lo, same.hi], [2, 2])
})

test('pairedBySeed() reproduces the paired t-test on Student’s sleep data', () => {
  // Cushny & Peebles (1905) via Student (1908); R's ?t.test:
  // with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE)) gives
  // t = -4.0621, df = 9, p-value = 0.002833, 95% CI [-2.4598858, -0.7001142], mean -1.58.
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
  const a = new Map(g1.map((v, i) => [100 + i, v]))
  const b = new Map(g2.map((v, i) => [100 + i, v]))
  b.set(7, 1) // a seed that only b ran: reported, not paired
  const r = pairedBySeed(a, b)
  assert.equal(r.n, 10)
  assert.deepEqual(r.onlyB, [7])
  assert.deepEqual(r.onlyA, [])
  close(r.mean, -1.58, 1e-12, 'mean')
  close(r.lo, -2.4598858, 1e-7, 'lo')
  close(r.hi, -0.7001142, 1e-7, 'hi')
  close(r.p, 0.002833, 5e-7, 'p')
})

test('pairedBySeed() pairs by seed, not by insertion order, and needs a common seed', () => {
  const a = new Map([
    [2, 10],
    [1, 5],
  ])
  const b = new Map([
    [1, 4],
    [2, 7],
  ])
  const r = pairedBySeed(a, b)
  assert.deepEqual(r.seeds, [1, 2])
  assert.deepEqual(r.diffs, [1, 3])
  assert.throws(
    () => pairedBySeed(new Map([[1, 1]]), new Map([[2, 1]])),
    /no seed is present in both/,
  )
})
