import assert from 'node:assert/strict'
import { test } from 'node:test'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import {
  type Blocks,
  centralDifferenceHvp,
  hutchinsonTrace,
  layerHessianTraces,
} from './hessian-trace.ts'
import type { QNet } from './qnet.ts'

/** A random symmetric matrix [n, n] (row-major). */
function symmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = rng.normal()
      a[i * n + j] = v
      a[j * n + i] = v
    }
  return a
}

const matVec = (a: Float64Array, n: number) => (v: Blocks) => {
  const x = v[0] as Float32Array
  return [
    Float32Array.from({ length: n }, (_, i) => {
      let s = 0
      for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (x[j] as number)
      return s
    }),
  ]
}

test('hutchinsonTrace() is exact for a diagonal Hessian with any Rademacher vector', () => {
  const d = Float32Array.from({ length: 50 }, (_, i) => i - 10)
  const est = hutchinsonTrace(
    (v) => [Float32Array.from(d, (x, i) => x * (v[0]?.[i] as number))],
    [50],
    3,
    new Rng(1),
  )
  assert.equal(est.trace[0], 725) // Σ (i − 10), i = 0..49 = 1225 − 500
  assert.equal(est.stderr[0], 0)
})

test('hutchinsonTrace() of a dense quadratic: unbiased, with the Rademacher variance 2·Σ_{i≠j} A_ij²', () => {
  const n = 30
  const a = symmetric(n, new Rng(2))
  let trace = 0
  let off = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) trace += a[i * n + j] as number
      else off += (a[i * n + j] as number) ** 2
    }
  const samples = 2000
  const est = hutchinsonTrace(matVec(a, n), [n], samples, new Rng(3))
  const se = est.stderr[0] as number
  const expectedSe = Math.sqrt((2 * off) / samples)
  assert.ok(
    Math.abs((est.trace[0] as number) - trace) < 4 * expectedSe,
    `${est.trace[0]} vs ${trace}`,
  )
  assert.ok(Math.abs(se / expectedSe - 1) < 0.1, `stderr ${se} vs ${expectedSe}`)
  // Seeded: the same stream gives the same estimate.
  assert.equal(
    hutchinsonTrace(matVec(a, n), [n], 20, new Rng(9)).trace[0],
    hutchinsonTrace(matVec(a, n), [n], 20, new Rng(9)).trace[0],
  )
})

test('centralDifferenceHvp() of a quadratic 0.5·wᵀAw + bᵀw recovers A·v', () => {
  const n = 12
  const a = symmetric(n, new Rng(4))
  const b = Float32Array.from({ length: n }, (_, i) => i)
  const grad = (w: Blocks) => [
    Float32Array.from(matVec(a, n)(w)[0] as Float32Array, (g, i) => g + (b[i] as number)),
  ]
  const w = [Float32Array.from({ length: n }, (_, i) => Math.sin(i))]
  const v = [Float32Array.from({ length: n }, (_, i) => (i % 3) - 1)]
  const hv = centralDifferenceHvp(grad, w, [1e-2])(v)[0] as Float32Array
  const ref = matVec(a, n)(v)[0] as Float32Array
  for (let i = 0; i < n; i++) assert.ok(Math.abs((hv[i] as number) - (ref[i] as number)) < 1e-3)
})

test('layerHessianTraces() of softmax regression matches the closed form (1/n)·Σ‖x_i‖²(1 − ‖p_i‖²)', async () => {
  await initTfjs()
  const rng = new Rng(5)
  const [n, d, c] = [64, 6, 4]
  const w = Float32Array.from({ length: d * c }, () => rng.normal() * 0.5)
  const b = Float32Array.from({ length: c }, () => rng.normal() * 0.1)
  const net: QNet = {
    inputShape: [d],
    layers: [{ kind: 'dense', name: 'fc', w, b, fanIn: d, units: c, relu: false }],
  }
  const x = Float32Array.from({ length: n * d }, () => rng.normal())
  const y = Int32Array.from({ length: n }, () => rng.int(c))
  let exact = 0
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: c }, (_, k) => {
      let s = b[k] as number
      for (let j = 0; j < d; j++) s += (x[i * d + j] as number) * (w[j * c + k] as number)
      return s
    })
    const m = Math.max(...z)
    const e = z.map((v) => Math.exp(v - m))
    const sum = e.reduce((p, q) => p + q, 0)
    let x2 = 0
    for (let j = 0; j < d; j++) x2 += (x[i * d + j] as number) ** 2
    exact += x2 * (1 - e.reduce((p, q) => p + (q / sum) ** 2, 0))
  }
  exact /= n
  const est = layerHessianTraces(net, x, y, 200, new Rng(6))
  const t = est.trace[0] as number
  const se = est.stderr[0] as number
  assert.ok(Math.abs(t - exact) < 4 * se + 0.02 * exact, `trace ${t} ± ${se} vs ${exact}`)
  assert.ok(se < 0.1 * exact, `stderr ${se}`)
})

test('hutchinsonTrace() per block removes the variance of the cross-block coupling', () => {
  // Two blocks of 10, diagonal inside each block, dense coupling between them.
  const n = 20
  const a = symmetric(n, new Rng(8))
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (i !== j && i < 10 === j < 10) a[i * n + j] = 0
  const full = matVec(a, n)
  const hvp = (v: Blocks) => {
    const out = full([
      Float32Array.from([...(v[0] as Float32Array), ...(v[1] as Float32Array)]),
    ])[0] as Float32Array
    return [out.slice(0, 10), out.slice(10)]
  }
  const trace = [0, 1].map((b) => {
    let t = 0
    for (let i = b * 10; i < b * 10 + 10; i++) t += a[i * n + i] as number
    return t
  })
  const per = hutchinsonTrace(hvp, [10, 10], 5, new Rng(1))
  const joint = hutchinsonTrace(hvp, [10, 10], 5, new Rng(1), false)
  for (const b of [0, 1]) {
    assert.ok(Math.abs((per.trace[b] as number) - (trace[b] as number)) < 1e-4)
    assert.ok((per.stderr[b] as number) < 1e-5)
    assert.ok((joint.stderr[b] as number) > 0.1)
  }
})
