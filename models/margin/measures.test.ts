import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { mlp } from '../mlp.ts'
import { angleStats } from './angle-stats.ts'
import { pgd, rowNorms } from './attacks.ts'
import { bisectionMargins } from './bisection-margin.ts'
import { deepFoolL2 } from './deepfool.ts'
import { firstOrderMargins } from './first-order-margin.ts'
import { cosines, headLogits, logitsOf, type MarginNet } from './net.ts'
import { robustAccuracy } from './robust-accuracy.ts'
import { ranks, spearman } from './spearman.ts'

await initTfjs({ prefer: 'cpu' })

// A linear 3-class classifier on 4 inputs, f = Wᵀx + b: every margin has a closed form. Logits
// are scaled to a trained network's range (differences of several units), where the attacks'
// κ-sharpened soft margin acts like the hard max; distances do not depend on the scale.
const SCALE = 20
const W = [
  [1, -1, 0.5],
  [0.5, 0.5, -1],
  [-0.5, 1, 0],
  [0, 0, 1],
].map((row) => row.map((v) => v * SCALE))
const B = [0.2, 0, -0.1].map((v) => v * SCALE)
function linearNet(): MarginNet {
  const model = mlp.build(mlp.params.parse({ inputSize: 4, hidden: [], numClasses: 3 }))
  model.setWeights([tf.tensor2d(W), tf.tensor1d(B)])
  return { model, head: 'affine', scale: 1 }
}
const X = [
  [0.5, 0.5, 0.4, 0.5],
  [0.45, 0.5, 0.55, 0.5],
  [0.5, 0.45, 0.5, 0.6],
]

/** Closed-form distance to the nearest boundary: min_j (f_y − f_j) / ‖W_y − W_j‖_q. */
function exactMargins(q: 1 | 2): { y: Int32Array; d: number[] } {
  const y = new Int32Array(X.length)
  const d = X.map((x, e) => {
    const f = [0, 1, 2].map(
      (c) => (B[c] as number) + x.reduce((a, v, i) => a + v * (W[i]?.[c] as number), 0),
    )
    const label = f.indexOf(Math.max(...f))
    y[e] = label
    let best = Number.POSITIVE_INFINITY
    for (let j = 0; j < 3; j++) {
      if (j === label) continue
      const w = W.map((row) => (row[label] as number) - (row[j] as number))
      const norm = q === 1 ? w.reduce((a, v) => a + Math.abs(v), 0) : Math.hypot(...w)
      best = Math.min(best, ((f[label] as number) - (f[j] as number)) / norm)
    }
    return best
  })
  return { y, d }
}

describe('margin measures on a linear classifier (closed form)', () => {
  const net = linearNet()
  const x = tf.tensor2d(X)
  test('firstOrderMargins() is exact for ℓ∞ (dual ℓ1) and ℓ2', () => {
    for (const [norm, q] of [
      ['linf', 1],
      ['l2', 2],
    ] as const) {
      const { y, d } = exactMargins(q)
      const got = firstOrderMargins(net, x, y, { norm })
      d.forEach((v, i) => {
        assert.ok(Math.abs((got[i] as number) - v) < 1e-5, `${norm}: ${got[i]} vs ${v}`)
      })
    }
  })
  test('bisectionMargins() finds the ℓ∞ distance to bisection resolution', () => {
    const { y, d } = exactMargins(1)
    const r = bisectionMargins(net, x, y, {
      norm: 'linf',
      epsMax: 0.4,
      steps: 12,
      pgdSteps: 20,
      rng: new Rng(1),
    })
    assert.equal(r.censored, 0)
    d.forEach((v, i) => {
      const m = r.margins[i] as number
      assert.ok(m >= v - 1e-4 && m <= v + 0.4 / 2 ** 12 + 1e-3, `${m} vs exact ${v}`)
    })
  })
  test('bisectionMargins() in ℓ2 is an upper bound, tight where one boundary is clearly nearest', () => {
    // Untargeted PGD can settle on a competitor that is not the nearest one (example 0 starts
    // tied between two classes); its margin is then that competitor's distance.
    const { y, d } = exactMargins(2)
    const r = bisectionMargins(net, x, y, {
      norm: 'l2',
      epsMax: 1,
      steps: 12,
      pgdSteps: 40,
      rng: new Rng(2),
    })
    d.forEach((v, i) => {
      assert.ok((r.margins[i] as number) >= v - 1e-4, `${r.margins[i]} < exact ${v}`)
    })
    // Example 1: nearest boundary 0.11, the next 0.258.
    assert.ok(Math.abs((r.margins[1] as number) - (d[1] as number)) < 0.05 * (d[1] as number))
  })
  test('deepFoolL2() equals (1 + overshoot) × the ℓ2 distance of a linear model', () => {
    const { d } = exactMargins(2)
    const got = deepFoolL2(net, x)
    d.forEach((v, i) => {
      assert.ok(Math.abs((got[i] as number) - 1.02 * v) < 2e-3, `${got[i]} vs ${1.02 * v}`)
    })
  })
  test('robustAccuracy() drops from 1 to 0 as ε passes each example’s margin', () => {
    const { y, d } = exactMargins(1)
    const lo = Math.min(...d) * 0.9
    const hi = Math.max(...d) * 1.1
    const r = robustAccuracy(net, x, y, {
      norm: 'linf',
      epsGrid: [lo, hi],
      pgdSteps: 20,
      rng: new Rng(3),
    })
    assert.deepEqual(r.pgd, [1, 0])
    assert.deepEqual(r.fgsm, [1, 0])
    assert.equal(r.pgdAverage, 0.5)
  })
  test('robustAccuracy() is not fooled by a saturated softmax: the margin attack still crosses', () => {
    // f₀ = 1000·x₀, f₁ = 1000·x₁ at x = (0.9, 0.4): the logit gap 500 saturates the softmax, so
    // the cross-entropy gradient underflows to 0 and that attack stays put; ε = 0.26 reaches
    // the boundary only near the corner (0.64, 0.66), which the soft-margin attack finds.
    const model = mlp.build(mlp.params.parse({ inputSize: 2, hidden: [], numClasses: 2 }))
    model.setWeights([
      tf.tensor2d([
        [1000, 0],
        [0, 1000],
      ]),
      tf.tensor1d([0, 0]),
    ])
    const sat: MarginNet = { model, head: 'affine', scale: 1 }
    const xs = tf.tensor2d(Array.from({ length: 20 }, () => [0.9, 0.4]))
    const ys = new Int32Array(20)
    const o = { norm: 'linf' as const, epsGrid: [0.26], pgdSteps: 10 }
    const ceOnly = robustAccuracy(sat, xs, ys, { ...o, rng: new Rng(5), losses: ['ce'] })
    const both = robustAccuracy(sat, xs, ys, { ...o, rng: new Rng(5) })
    assert.ok((ceOnly.pgd[0] as number) >= 0.9, `ce-only ${ceOnly.pgd[0]}`)
    assert.deepEqual(both.pgd, [0])
    assert.deepEqual(both.fgsm, [0])
  })
  test('pgd() stays inside the ε-ball and the [0, 1] box', () => {
    const { y } = exactMargins(1)
    const yt = tf.tensor1d(y, 'int32')
    for (const norm of ['linf', 'l2'] as const) {
      const r = pgd(net, x, yt, { norm, eps: 0.7, steps: 5, rng: new Rng(4) })
      const n = rowNorms(tf.sub(r.x, x), norm).dataSync()
      n.forEach((v) => {
        assert.ok(v <= 0.7 + 1e-5)
      })
      const vals = r.x.dataSync()
      vals.forEach((v) => {
        assert.ok(v >= 0 && v <= 1)
      })
    }
  })
})

describe('heads', () => {
  test('the cosine head gives s·cos θ and the affine head the layer output', () => {
    const net = linearNet()
    const x = tf.tensor2d(X)
    const affine = logitsOf(net, x).arraySync()
    const expected = X.map((row) =>
      [0, 1, 2].map(
        (c) => (B[c] as number) + row.reduce((a, v, i) => a + v * (W[i]?.[c] as number), 0),
      ),
    )
    affine.forEach((r, i) => {
      r.forEach((v, c) => {
        assert.ok(Math.abs(v - (expected[i]?.[c] as number)) < 1e-5)
      })
    })
    const cosNet: MarginNet = { ...net, head: 'cosine', scale: 3 }
    const got = headLogits(cosNet, x).dataSync()
    const want = tf.mul(cosines(x, tf.tensor2d(W)), 3).dataSync()
    got.forEach((v, i) => {
      assert.ok(Math.abs(v - (want[i] as number)) < 1e-5)
    })
  })
})

describe('angle statistics and rank correlation', () => {
  test('angleStats() on two tight orthogonal clusters', () => {
    const feats = Float32Array.from([1, 0.1, 1, -0.1, 0.1, 1, -0.1, 1])
    const s = angleStats(feats, Int32Array.from([0, 0, 1, 1]), 2, 2)
    assert.ok(Math.abs(s.intra - Math.atan(0.1)) < 1e-6)
    assert.ok(Math.abs(s.inter - Math.PI / 2) < 1e-6)
    assert.ok(Math.abs(s.ratio - Math.PI / 2 / Math.atan(0.1)) < 1e-4)
  })
  test('spearman() is ±1 for monotone pairs and averages tied ranks', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 35, 90]), 1)
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1)
    assert.deepEqual(Array.from(ranks([5, 1, 5, 3])), [3.5, 1, 3.5, 2])
    // Hand-computed: ranks (1, 2, 3, 4) vs (1, 3, 2, 4) -> 1 − 6·2/(4·15) = 0.8.
    assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12)
    assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])))
  })
})
