import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from './distributions.ts'

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol}`,
  )
}

// Reference values: R's qt()/pt()/pnorm()/qnorm() printed with digits = 7, as in the tables of
// Abramowitz & Stegun (1964) 26.2 and 26.7.
test('tQuantile() reproduces the tabulated two-sided 95% t critical values', () => {
  close(tQuantile(0.975, 1), 12.7062, 1e-4, 't(0.975, 1)')
  close(tQuantile(0.975, 2), 4.302653, 1e-6, 't(0.975, 2)')
  close(tQuantile(0.975, 4), 2.776445, 1e-6, 't(0.975, 4)')
  close(tQuantile(0.975, 30), 2.042272, 1e-6, 't(0.975, 30)')
  close(tQuantile(0.975, 100), 1.983972, 1e-6, 't(0.975, 100)')
  close(tQuantile(0.995, 10), 3.169273, 1e-6, 't(0.995, 10)')
  close(tQuantile(0.9, 3), 1.637744, 1e-6, 't(0.9, 3)')
})

test('tQuantile() is odd around 0.5, inverts tCdf() and tends to the normal quantile', () => {
  assert.equal(tQuantile(0.5, 7), 0)
  close(tQuantile(0.025, 4), -2.776445, 1e-6, 't(0.025, 4)')
  for (const df of [0.5, 1, 2.5, 9, 1000]) {
    for (const p of [0.6, 0.9, 0.999]) close(tCdf(tQuantile(p, df), df), p, 1e-12, `df ${df}`)
  }
  close(tQuantile(0.975, 1e7), 1.959964, 1e-6, 't(0.975, 1e7)')
  assert.equal(tQuantile(1, 3), Number.POSITIVE_INFINITY)
})

test('tCdf() matches closed forms for df = 1 (Cauchy) and df = 2', () => {
  for (const t of [-3, -0.5, 0, 0.7, 4]) {
    close(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `Cauchy ${t}`)
    close(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `df 2 at ${t}`)
  }
})

test('normalCdf() and normalQuantile() reproduce the standard normal table', () => {
  close(normalCdf(1.96), 0.9750021, 1e-7, 'Φ(1.96)')
  close(normalCdf(0), 0.5, 1e-15, 'Φ(0)')
  close(normalCdf(-3), 0.00134989803163, 1e-15, 'Φ(-3)')
  close(normalCdf(1), 0.8413447, 1e-7, 'Φ(1)')
  close(normalQuantile(0.975), 1.959964, 1e-6, 'Φ⁻¹(0.975)')
  close(normalQuantile(0.9), 1.281552, 1e-6, 'Φ⁻¹(0.9)')
  for (const p of [1e-12, 0.01, 0.3, 0.5, 0.77, 0.999]) {
    close(normalCdf(normalQuantile(p)), p, 1e-14 + 1e-9 * p, `round trip ${p}`)
  }
})

test('incompleteBeta() and logGamma() match closed forms', () => {
  // I_x(2, 3) = 6x²(1/2 - 2x/3 + x²/4) → I_0.3(2, 3) = 0.3483
  close(incompleteBeta(0.3, 2, 3), 0.3483, 1e-13, 'I_0.3(2,3)')
  close(incompleteBeta(0.8, 1, 1), 0.8, 1e-14, 'I_0.8(1,1)')
  close(logGamma(5), Math.log(24), 1e-13, 'ln Γ(5)')
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, 'ln Γ(1/2)')
})

test('distribution functions reject out-of-range arguments', () => {
  assert.throws(() => tQuantile(0.5, 0), RangeError)
  assert.throws(() => tQuantile(1.5, 3), /Cannot compute t quantile: p = 1.5/)
  assert.throws(() => normalQuantile(-0.1), RangeError)
})
