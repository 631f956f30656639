import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { finiteDifference, maxRelativeGap } from '../../models/margin/finite-difference.ts'
import { cosines } from '../../models/margin/net.ts'
import { arcFaceLogits } from './arcface.ts'
import { cosFaceLogits } from './cosface.ts'
import { elsayedTerm } from './elsayed.ts'
import { crammerSingerHinge } from './hinge-crammer-singer.ts'
import { westonWatkinsHinge } from './hinge-weston-watkins.ts'
import { annealedLambda, chebyshev, largeMarginLogits, psi } from './l-softmax.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

await initTfjs({ prefer: 'cpu' })

const values = (t: tf.Tensor) => Array.from(t.dataSync())
const close = (a: number[], b: number[], tol = 1e-5) =>
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - (b[i] as number)) < tol, `${a} vs ${b}`)
  })

/** Checks tf.grad of f at x against central differences. */
function checkGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, tol = 2e-2): void {
  const analytic = values(tf.grad(f)(x))
  const numeric = finiteDifference(f, x)
  assert.ok(
    maxRelativeGap(analytic, numeric) < tol,
    `gradient ${analytic.map((v) => v.toFixed(4))} vs finite differences ${Array.from(numeric, (v) => v.toFixed(4))}`,
  )
}

const labels = tf.tensor1d([0, 2], 'int32')
// Away from the hinge kinks, so finite differences are valid.
const logits = tf.tensor2d([
  [0.3, 0.9, -0.4],
  [1.2, 0.1, 0.6],
])

describe('hinge losses', () => {
  test('crammerSingerHinge() matches hand-computed values, squared too', () => {
    const l = tf.tensor2d([
      [2, 1, 0],
      [0, 1, 3],
    ])
    const y = tf.tensor1d([0, 0], 'int32')
    close(values(crammerSingerHinge(l, y)), [0, 4])
    close(values(crammerSingerHinge(l, y, 1, true)), [0, 16])
    close(values(crammerSingerHinge(l, y, 2)), [1, 5])
  })
  test('westonWatkinsHinge() sums the violated margins of every other class', () => {
    const l = tf.tensor2d([
      [0, 1, 3],
      [5, 1, 0],
    ])
    const y = tf.tensor1d([0, 0], 'int32')
    close(values(westonWatkinsHinge(l, y)), [6, 0])
  })
  test('hinge gradients match finite differences', () => {
    checkGradient((l) => tf.sum(crammerSingerHinge(l as tf.Tensor2D, labels)), logits)
    checkGradient((l) => tf.sum(crammerSingerHinge(l as tf.Tensor2D, labels, 1, true)), logits)
    checkGradient((l) => tf.sum(westonWatkinsHinge(l as tf.Tensor2D, labels)), logits)
  })
})

describe('L-Softmax and A-Softmax', () => {
  test('chebyshev() gives cos(mθ) and psi() the piecewise target', () => {
    const c = tf.tensor1d([Math.cos(Math.PI / 3), Math.cos(1), Math.cos(2.5)])
    for (const m of [1, 2, 3, 4])
      close(values(chebyshev(c, m)), [m * (Math.PI / 3), m, m * 2.5].map(Math.cos))
    // θ = 60°: m = 2 -> k = 0, ψ = cos 120° = −0.5; m = 4 -> k = 1, ψ = −cos 240° − 2 = −1.5.
    close(values(psi(tf.tensor1d([0.5]), 2)), [-0.5])
    close(values(psi(tf.tensor1d([0.5]), 4)), [-1.5])
  })
  test('psi() decreases monotonically over [0, π] for m = 2, 3, 4', () => {
    const thetas = Array.from({ length: 181 }, (_, i) => (i * Math.PI) / 180)
    for (const m of [2, 3, 4]) {
      const p = values(psi(tf.tensor1d(thetas.map(Math.cos)), m))
      for (let i = 1; i < p.length; i++)
        assert.ok((p[i] as number) <= (p[i - 1] as number) + 1e-5, `m=${m} at ${i}°`)
    }
  })
  test('largeMarginLogits() replaces only the target logit, and λ → ∞ recovers plain logits', () => {
    // x = [1, 0]; W_0 = [1, 1] (θ = 45°), W_1 = [0, 2] (θ = 90°).
    const x = tf.tensor2d([[1, 0]])
    const w = tf.tensor2d([
      [1, 0],
      [1, 2],
    ])
    const y = tf.tensor1d([0], 'int32')
    // m = 2, λ = 0: ‖W_0‖‖x‖ψ(45°) = √2·cos 90° = 0; the other logit stays Wᵀx = 0.
    close(values(largeMarginLogits(x, w, y, 2, 0, false)), [0, 0])
    // m = 4, λ = 0: ψ(45°) = (−1)^1 cos 180° − 2 = −1 -> √2·(−1).
    close(values(largeMarginLogits(x, w, y, 4, 0, false)), [-Math.SQRT2, 0])
    close(values(largeMarginLogits(x, w, y, 4, 1e9, false)), [1, 0], 1e-4)
    // A-Softmax: unit weights, so the target is ‖x‖ψ = −1 and W_1 becomes [0, 1].
    close(values(largeMarginLogits(x, w, y, 4, 0, true)), [-1, 0])
  })
  test('annealedLambda() decays from λ₀ and stops at λ_min', () => {
    const p = { lambdaBase: 1000, lambdaGamma: 0.1, lambdaPower: 1, lambdaMin: 5 }
    assert.equal(annealedLambda(0, p), 1000)
    assert.equal(annealedLambda(90, p), 100)
    assert.equal(annealedLambda(1e6, p), 5)
  })
  test('L-Softmax and A-Softmax gradients match finite differences (features and weights)', () => {
    const feats = tf.tensor2d([
      [0.8, 0.3, -0.2],
      [0.1, 0.9, 0.4],
    ])
    const w = tf.tensor2d([
      [0.5, -0.3, 0.2],
      [0.1, 0.6, -0.4],
      [-0.2, 0.3, 0.7],
    ])
    for (const unit of [false, true]) {
      for (const m of [2, 4]) {
        const loss = (f: tf.Tensor, k: tf.Tensor) =>
          tf.sum(
            softmaxCrossEntropy(
              largeMarginLogits(f as tf.Tensor2D, k as tf.Tensor2D, labels, m, 2, unit),
              labels,
            ),
          ) as tf.Scalar
        checkGradient((f) => loss(f, w), feats)
        checkGradient((k) => loss(feats, k), w)
      }
    }
  })
})

describe('additive-margin losses', () => {
  test('cosFaceLogits() subtracts m from the target cosine and scales by s', () => {
    const cos = tf.tensor2d([[0.8, 0.1]])
    close(values(cosFaceLogits(cos, tf.tensor1d([0], 'int32'), 10, 0.35)), [4.5, 1])
  })
  test('arcFaceLogits() adds m to the target angle, with the fallback past π − m', () => {
    const cos = tf.tensor2d([
      [0.8, 0.1],
      [-0.95, 0.2],
    ])
    const y = tf.tensor1d([0, 0], 'int32')
    const got = values(arcFaceLogits(cos, y, 2, 0.5))
    close(got, [2 * Math.cos(Math.acos(0.8) + 0.5), 0.2, 2 * (-0.95 - 0.5 * Math.sin(0.5)), 0.4])
  })
  test('CosFace and ArcFace gradients match finite differences through the cosines', () => {
    const feats = tf.tensor2d([
      [0.8, 0.3],
      [0.1, 0.9],
    ])
    const w = tf.tensor2d([
      [0.5, -0.3, 0.2],
      [0.1, 0.6, -0.4],
    ])
    for (const make of [
      (c: tf.Tensor2D) => cosFaceLogits(c, labels, 8, 0.35),
      (c: tf.Tensor2D) => arcFaceLogits(c, labels, 8, 0.5),
    ]) {
      checkGradient(
        (f) => tf.sum(softmaxCrossEntropy(make(cosines(f as tf.Tensor2D, w)), labels)),
        feats,
      )
      checkGradient(
        (k) => tf.sum(softmaxCrossEntropy(make(cosines(feats, k as tf.Tensor2D)), labels)),
        w,
      )
    }
  })
})

describe('Elsayed loss', () => {
  test('elsayedTerm() is the clipped hinge on distances', () => {
    const norm = tf.tensor1d([4])
    const term = (d: number) =>
      elsayedTerm(tf.tensor1d([d]), norm, 0.5, 4, 0).dataSync()[0] as number
    close([term(1)], [0.25]) // distance 0.25 -> 0.5 − 0.25
    close([term(4)], [0]) // distance 1 ≥ γ
    close([term(-20)], [2]) // distance −5 < γ(1 − α) = −1.5 -> γα
  })
  test('elsayedTerm() gradient matches finite differences, the norm held constant', () => {
    const norm = tf.tensor1d([2, 3, 0.5])
    const diff = tf.tensor1d([0.4, -1.1, 0.1])
    checkGradient((d) => elsayedTerm(d as tf.Tensor1D, norm, 1, 4, 1e-6), diff)
  })
})

test('the gradient check rejects a wrong gradient', () => {
  // d/dx Σx² is 2x; this one claims x.
  const wrong = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.sum(tf.square(x)),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, x),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Scalar
  assert.throws(() => checkGradient(wrong, tf.tensor1d([0.5, -1, 2])))
})
