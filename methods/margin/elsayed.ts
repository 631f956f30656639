/**
 * Large-margin deep networks (Elsayed et al. 2018), first order: at each chosen layer ℓ (the
 * input and hidden layers), the linearised signed distance of the example to the boundary with
 * its strongest competitor i (top-1 of the other classes)
 *
 *   m_ℓ = (f_y − f_i) / (ε + ‖∇_{h_ℓ}(f_y − f_i)‖_q),   1/p + 1/q = 1
 *
 * with the norm treated as a constant (stop-gradient: computed outside the tape from the same
 * weights, so no second-order backprop), and the hinge with clipping
 *
 *   L = Σ_ℓ w_ℓ · mean_b [ γ_ℓ − clip(m_ℓ, γ_ℓ(1 − α), γ_ℓ) ]  (+ ceWeight · CE)
 *
 * Distances above γ_ℓ or below γ_ℓ(1 − α) give no gradient. Deviation from the official code:
 * logit rather than softmax-probability differences (stated in the report).
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { NORMS } from '../../models/margin/attacks.ts'
import {
  activationAt,
  type CutPoint,
  logitsFrom,
  logitsOf,
  type MarginNet,
} from '../../models/margin/net.ts'
import type { Batch } from '../../models/margin/objective.ts'
import type { MarginLossDef } from './loss-def.ts'
import { softmaxCrossEntropy } from './softmax-ce.ts'

export const ElsayedParams = z.strictObject({
  /** Margin norm p (ℓ∞ uses the dual ℓ1 gradient norm). @default 'linf' */
  norm: z.enum(NORMS).default('linf'),
  /** Target distance at the input. @default 0.3 */
  gamma: z.number().positive().default(0.3),
  /**
   * Hidden layers used besides the input: the first k of the network, or `all` of them (the
   * official setup uses the input and every conv layer). @default 0
   */
  hiddenLayers: z.union([z.number().int().nonnegative(), z.literal('all')]).default(0),
  /** Target distance at hidden layers. @default 1 */
  gammaHidden: z.number().positive().default(1),
  /** Weight of each hidden layer's term. @default 1 */
  hiddenWeight: z.number().nonnegative().default(1),
  /** Clipping α (distances below γ(1 − α) give no gradient). @default 4 */
  alpha: z.number().positive().default(4),
  /** Weight of an added cross-entropy term (0 in the official MNIST setup). @default 0 */
  ceWeight: z.number().nonnegative().default(0),
  /** ε in the denominator. @default 1e-6 */
  epsilon: z.number().positive().default(1e-6),
})
export type ElsayedParams = z.output<typeof ElsayedParams>

interface Layer {
  cut: CutPoint
  gamma: number
  weight: number
}

/** The strongest competing class of each example: argmax_{j≠y} f_j. */
export function strongestCompetitor(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.argMax(tf.sub(logits, tf.mul(tf.oneHot(y, logits.shape[1]), 1e9)), 1),
  ) as tf.Tensor1D
}

/** Per-example ‖∇_h (f_y − f_i)‖_q at the cut point, for competitors i: [b] (a constant). */
export function boundaryGradientNorms(
  net: MarginNet,
  x: tf.Tensor,
  y: tf.Tensor1D,
  competitor: tf.Tensor1D,
  cut: CutPoint,
  q: 1 | 2,
): tf.Tensor1D {
  return tf.tidy(() => {
    const h = activationAt(net, x, cut)
    const classes = (logitsFrom(net, h, cut) as tf.Tensor2D).shape[1]
    const sel = tf.sub(tf.oneHot(y, classes), tf.oneHot(competitor, classes))
    const g = tf.grad((hi: tf.Tensor) => tf.sum(tf.mul(logitsFrom(net, hi, cut), sel)))(h)
    const flat = tf.reshape(g, [x.shape[0] as number, -1])
    return q === 1 ? tf.sum(tf.abs(flat), 1) : tf.sqrt(tf.sum(tf.square(flat), 1))
  }) as tf.Tensor1D
}

/**
 * The clipped hinge on distances: mean_b [γ − clip(m, γ(1 − α), γ)] with m = diff / (ε + norm).
 */
export function elsayedTerm(
  diff: tf.Tensor1D,
  norm: tf.Tensor1D,
  gamma: number,
  alpha: number,
  epsilon: number,
): tf.Scalar {
  return tf.tidy(() => {
    const dist = tf.div(diff, tf.add(norm, epsilon))
    return tf.mean(tf.sub(gamma, tf.clipByValue(dist, gamma * (1 - alpha), gamma)))
  }) as tf.Scalar
}

interface Prepared {
  competitor: tf.Tensor1D
  norms: tf.Tensor1D[]
}

export const elsayed: MarginLossDef<ElsayedParams> = {
  name: 'elsayed',
  description:
    'Large-margin DNN loss (Elsayed 2018): first-order distance hinge at input and hidden layers',
  params: ElsayedParams,
  objective: (p, setup) => {
    const k = p.hiddenLayers === 'all' ? setup.hiddenCuts.length : p.hiddenLayers
    if (k > setup.hiddenCuts.length)
      throw new RangeError(
        `Cannot build the Elsayed loss: hiddenLayers ${k} exceeds the network's ${setup.hiddenCuts.length}`,
      )
    const layers: Layer[] = [
      { cut: 'input', gamma: p.gamma, weight: 1 },
      ...setup.hiddenCuts
        .slice(0, k)
        .map((cut) => ({ cut, gamma: p.gammaHidden, weight: p.hiddenWeight })),
    ]
    const q = p.norm === 'linf' ? 1 : 2
    return {
      name: 'elsayed',
      head: 'affine',
      prepare(net: MarginNet, batch: Batch): Prepared {
        const competitor = tf.tidy(() => strongestCompetitor(logitsOf(net, batch.x), batch.y))
        const norms = layers.map((l) =>
          boundaryGradientNorms(net, batch.x, batch.y, competitor, l.cut, q),
        )
        return { competitor, norms }
      },
      disposables: (prep: Prepared) => [prep.competitor, ...prep.norms],
      loss(net: MarginNet, batch: Batch, prep: Prepared) {
        const logits = logitsOf(net, batch.x)
        const classes = logits.shape[1]
        const sel = tf.sub(tf.oneHot(batch.y, classes), tf.oneHot(prep.competitor, classes))
        const diff = tf.sum(tf.mul(logits, sel), 1) as tf.Tensor1D
        let total: tf.Scalar = tf.scalar(0)
        layers.forEach((l, i) => {
          const term = elsayedTerm(diff, prep.norms[i] as tf.Tensor1D, l.gamma, p.alpha, p.epsilon)
          total = tf.add(total, tf.mul(term, l.weight))
        })
        if (p.ceWeight > 0)
          total = tf.add(total, tf.mul(tf.mean(softmaxCrossEntropy(logits, batch.y)), p.ceWeight))
        return total
      },
    }
  },
}
