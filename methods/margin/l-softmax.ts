/**
 * L-Softmax (Liu et al. 2016): the target logit ‖W_y‖‖x‖cos θ_y is replaced by
 * ‖W_y‖‖x‖ψ(θ_y), ψ(θ) = (−1)^k cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m], which asks for an angle
 * m times smaller than plain softmax. Trained with the annealed target
 *
 *   f_y = (λ‖W_y‖‖x‖cos θ_y + ‖W_y‖‖x‖ψ(θ_y)) / (1 + λ),   λ_t = max(λ_min, λ₀(1 + γt)^(−power))
 *
 * cos(mθ) is the Chebyshev polynomial T_m(cos θ) (no arccos in the gradient); k is read from a
 * detached copy of cos θ (it is piecewise constant). No bias; prediction uses Wᵀx.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { cosines, featuresOf, kernelOf, l2Normalize } from '../../models/margin/net.ts'
import type { MarginLossDef } from './loss-def.ts'
import { detach, softmaxCrossEntropy } from './softmax-ce.ts'

export const AnnealParams = {
  /** λ₀. @default 1000 */
  lambdaBase: z.number().nonnegative().default(1000),
  /** @default 0.12 */
  lambdaGamma: z.number().nonnegative().default(0.12),
  /** @default 1 */
  lambdaPower: z.number().nonnegative().default(1),
  /** @default 5 */
  lambdaMin: z.number().nonnegative().default(5),
}

export const LSoftmaxParams = z.strictObject({
  /** Angular margin multiplier. @default 4 */
  m: z.number().int().min(1).max(6).default(4),
  ...AnnealParams,
})
export type LSoftmaxParams = z.output<typeof LSoftmaxParams>

/** λ at optimizer step t. */
export function annealedLambda(
  step: number,
  p: { lambdaBase: number; lambdaGamma: number; lambdaPower: number; lambdaMin: number },
): number {
  return Math.max(p.lambdaMin, p.lambdaBase * (1 + p.lambdaGamma * step) ** -p.lambdaPower)
}

/** Chebyshev T_m(c) = cos(m·arccos c). */
export function chebyshev(c: tf.Tensor, m: number): tf.Tensor {
  return tf.tidy(() => {
    let prev: tf.Tensor = tf.onesLike(c)
    let cur: tf.Tensor = c
    if (m === 0) return prev
    for (let i = 1; i < m; i++) {
      const next = tf.sub(tf.mul(tf.mul(c, 2), cur), prev)
      prev = cur
      cur = next
    }
    return cur
  })
}

/** ψ(θ) from c = cos θ: (−1)^k T_m(c) − 2k, k = ⌊mθ/π⌋ taken as a constant. */
export function psi(c: tf.Tensor, m: number): tf.Tensor {
  return tf.tidy(() => {
    const cd = detach(c).dataSync()
    const k = new Float32Array(cd.length)
    const sign = new Float32Array(cd.length)
    for (let i = 0; i < cd.length; i++) {
      const theta = Math.acos(Math.min(1, Math.max(-1, cd[i] as number)))
      const ki = Math.min(m - 1, Math.floor((m * theta) / Math.PI))
      k[i] = ki
      sign[i] = ki % 2 === 0 ? 1 : -1
    }
    return tf.sub(
      tf.mul(tf.tensor(sign, c.shape), chebyshev(c, m)),
      tf.mul(tf.tensor(k, c.shape), 2),
    )
  })
}

/**
 * Logits with the annealed large-margin target: [b, C]. `unitWeights` gives A-Softmax
 * (‖W_j‖ = 1); otherwise L-Softmax.
 */
export function largeMarginLogits(
  features: tf.Tensor2D,
  kernel: tf.Tensor2D,
  y: tf.Tensor1D,
  m: number,
  lambda: number,
  unitWeights: boolean,
): tf.Tensor2D {
  return tf.tidy(() => {
    const w = unitWeights ? (l2Normalize(kernel, 0) as tf.Tensor2D) : kernel
    const logits = tf.matMul(features, w) as tf.Tensor2D
    const c = cosines(features, kernel)
    const onehot = tf.oneHot(y, logits.shape[1])
    const cy = tf.sum(tf.mul(onehot, c), 1)
    // ‖W_y‖‖x‖ computed from the norms (not f_y / cos θ_y, which divides by a small cosine).
    const xNorm = tf.sqrt(tf.add(tf.sum(tf.square(features), 1), 1e-12))
    const wNorm = unitWeights
      ? tf.onesLike(cy)
      : tf.sum(tf.mul(onehot, tf.sqrt(tf.add(tf.sum(tf.square(kernel), 0, true), 1e-12))), 1)
    const scale = tf.mul(xNorm, wNorm)
    const target = tf.div(tf.mul(scale, tf.add(tf.mul(cy, lambda), psi(cy, m))), 1 + lambda)
    const replaced = tf.sub(target, tf.sum(tf.mul(onehot, logits), 1))
    return tf.add(logits, tf.mul(onehot, tf.expandDims(replaced, 1))) as tf.Tensor2D
  })
}

export const lSoftmax: MarginLossDef<LSoftmaxParams> = {
  name: 'l-softmax',
  description: 'L-Softmax: multiplicative angular margin m with λ annealing, bias-free',
  params: LSoftmaxParams,
  objective: (p) => ({
    name: 'l-softmax',
    head: 'linear',
    loss: (net, batch) => {
      const lambda = annealedLambda(batch.step, p)
      const logits = largeMarginLogits(
        featuresOf(net, batch.x),
        kernelOf(net),
        batch.y,
        p.m,
        lambda,
        false,
      )
      return tf.mean(softmaxCrossEntropy(logits, batch.y))
    },
  }),
}
