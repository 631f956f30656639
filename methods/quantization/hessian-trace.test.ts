import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { blockCurvature, hutchinsonTrace, layerHessianTraces, rademacher } from './hessian-trace.ts'
import { logitsOf, netTensors, type QNet, weightedLayers } from './qnet.ts'
import { tinyInputs, tinyNet } from './test-net.ts'

/** A random symmetric matrix [n, n] (row-major) and its quadratic form. */
function symmetric(n: number, rng: Rng) {
  const a = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = rng.normal()
      a[i * n + j] = v
      a[j * n + i] = v
    }
  const quad = (_: number, v: Float32Array) => {
    let s = 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        s += (v[i] as number) * (a[i * n + j] as number) * (v[j] as number)
    return s
  }
  return { a, quad }
}

/** Σ_i e_iᵀ H e_i over the basis: the exact trace of a block from its quadratic form. */
function basisTrace(quad: (b: number, v: Float32Array) => number, block: number, n: number) {
  let t = 0
  for (let i = 0; i < n; i++) {
    const e = new Float32Array(n)
    e[i] = 1
    t += quad(block, e)
  }
  return t
}

test('hutchinsonTrace() is exact for a diagonal Hessian with any Rademacher vector', () => {
  const d = Float32Array.from({ length: 50 }, (_, i) => i - 10)
  const quad = (_: number, v: Float32Array) =>
    d.reduce((s, x, i) => s + x * (v[i] as number) ** 2, 0)
  const est = hutchinsonTrace(quad, [50], 3, new Rng(1))
  assert.equal(est.trace[0], 725) // Σ (i − 10), i = 0..49 = 1225 − 500
  assert.equal(est.stderr[0], 0)
})

test('hutchinsonTrace() of a dense quadratic: unbiased, with the Rademacher variance 2·Σ_{i≠j} A_ij²', () => {
  const n = 30
  const { a, quad } = symmetric(n, new Rng(2))
  let trace = 0
  let off = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) trace += a[i * n + j] as number
      else off += (a[i * n + j] as number) ** 2
    }
  const samples = 2000
  const est = hutchinsonTrace(quad, [n], samples, new Rng(3))
  const expectedSe = Math.sqrt((2 * off) / samples)
  assert.ok(
    Math.abs((est.trace[0] as number) - trace) < 4 * expectedSe,
    `${est.trace[0]} vs ${trace}`,
  )
  assert.ok(Math.abs((est.stderr[0] as number) / expectedSe - 1) < 0.1, `stderr ${est.stderr[0]}`)
  // Seeded: the same stream gives the same estimate.
  const again = () => hutchinsonTrace(quad, [n], 20, new Rng(9)).trace[0]
  assert.equal(again(), again())
})

test('the Hessian trace of softmax regression is the closed form (1/n)·Σ‖x_i‖²(1 − ‖p_i‖²)', async () => {
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
  const curv = blockCurvature(net, x)
  const t = basisTrace(curv.quadraticForm, 0, d * c)
  curv.dispose()
  assert.ok(Math.abs(t - exact) < 1e-4 * exact, `basis trace ${t} vs ${exact}`)
  const est = layerHessianTraces(net, x, 200, new Rng(6))
  const se = est.stderr[0] as number
  assert.ok(
    Math.abs((est.trace[0] as number) - exact) < 4 * se,
    `${est.trace[0]} ± ${se} vs ${exact}`,
  )
})

test('blockCurvature() linearises conv, max pooling and ReLU: it matches finite differences of the logits', async () => {
  await initTfjs()
  const net = tinyNet(4)
  const n = 16
  const x = tinyInputs(n, 5)
  const layers = weightedLayers(net)
  const logits = (j: number, w: Float32Array) => {
    const t = netTensors(
      net,
      layers.map((l, k) => (k === j ? w : l.w)),
    )
    const z = logitsOf(net, t, x)
    for (const p of t) tf.dispose([p.w, p.b])
    return z
  }
  const p = tf.tidy(() =>
    tf.softmax(tf.tensor2d(logits(-1, new Float32Array()), [n, 3])).dataSync(),
  )
  const curv = blockCurvature(net, x)
  const rng = new Rng(7)
  layers.forEach((l, j) => {
    const v = rademacher(l.w.length, rng)
    // Logits are continuous in the weights, so a step across a ReLU or pooling kink only bends
    // this difference a little (unlike differences of gradients, which jump).
    const eps = 1e-3
    const up = logits(
      j,
      Float32Array.from(l.w, (w, i) => w + eps * (v[i] as number)),
    )
    const down = logits(
      j,
      Float32Array.from(l.w, (w, i) => w - eps * (v[i] as number)),
    )
    let q = 0
    for (let e = 0; e < n; e++) {
      let pd = 0
      let pd2 = 0
      for (let c = 0; c < 3; c++) {
        const d = ((up[e * 3 + c] as number) - (down[e * 3 + c] as number)) / (2 * eps)
        pd += (p[e * 3 + c] as number) * d
        pd2 += (p[e * 3 + c] as number) * d * d
      }
      q += (pd2 - pd * pd) / n
    }
    const exact = curv.quadraticForm(j, v)
    assert.ok(Math.abs(exact - q) < 0.02 * q, `layer ${j}: ${exact} vs ${q}`)
  })
  curv.dispose()
})
