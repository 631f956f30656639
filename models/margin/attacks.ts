/**
 * Gradient attacks in input space, for inputs in [0, 1]: FGSM and PGD under an ℓ∞ or ℓ2 budget,
 * with a per-example ε (so that bisection and MMA can search each example's own radius).
 *
 *   PGD:  δ₀ = random point of the ball (optional) -> repeat: ascend the loss (sign step for ℓ∞,
 *         normalised-gradient step for ℓ2) -> project onto the ε-ball -> clip x+δ to [0, 1]
 *         -> remember the latest iterate that is misclassified
 *
 * Step size α = stepFactor·ε/steps (2.5/steps, the Madry / MMA convention). Gradients are of the
 * batch-summed loss, which gives per-example input gradients since examples are independent.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { logitsOf, type MarginNet } from './net.ts'

export const NORMS = ['linf', 'l2'] as const
export type Norm = (typeof NORMS)[number]

export interface AttackOptions {
  norm: Norm
  /** Budget: one ε for all examples, or one per example. */
  eps: number | Float32Array
  /** @default 10 */
  steps?: number
  /** α = stepFactor·ε/steps. @default 2.5 */
  stepFactor?: number
  /** Start from a uniformly drawn point of the ball (needs `rng`). @default true */
  randomStart?: boolean
  rng?: Rng
  /** Loss ascended: cross-entropy or the soft logit margin LSE_{j≠y} f_j − f_y. @default 'ce' */
  loss?: 'ce' | 'margin'
  /**
   * Targeted: one class per example whose logit margin f_t − f_y is ascended instead of `loss`
   * (on a linear model its sign gradient points straight at that class's nearest boundary point).
   */
  target?: tf.Tensor1D
  /** Return the latest misclassified iterate (`fooled`) or always the last one. @default 'fooled' */
  keep?: 'fooled' | 'last'
}

export interface AttackResult {
  /** Adversarial inputs (the latest misclassified iterate, else the last iterate). */
  x: tf.Tensor
  /** 1 where some iterate was misclassified. */
  fooled: Float32Array
}

const TINY = 1e-12
/** Sharpness of the soft logit margin. */
export const SOFT_MARGIN_KAPPA = 10

/** Per-example values as a tensor broadcastable against x: [n, 1, ...]. */
export function perExample(v: number | Float32Array, x: tf.Tensor): tf.Tensor {
  const n = x.shape[0] as number
  const shape = [n, ...x.shape.slice(1).map(() => 1)]
  return typeof v === 'number' ? tf.fill(shape, v) : tf.tensor(v, shape, 'float32')
}

/** Per-example ℓp norm of every row of x (p = ∞, 1 or 2): [n]. */
export function rowNorms(x: tf.Tensor, p: 'linf' | 'l1' | 'l2'): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [x.shape[0] as number, -1])
    if (p === 'linf') return tf.max(tf.abs(flat), 1)
    if (p === 'l1') return tf.sum(tf.abs(flat), 1)
    return tf.sqrt(tf.sum(tf.square(flat), 1))
  }) as tf.Tensor1D
}

/** Divides each example of x by a per-example scalar [n]. */
function divRows(x: tf.Tensor, s: tf.Tensor1D): tf.Tensor {
  return tf.div(x, tf.reshape(s, [x.shape[0] as number, ...x.shape.slice(1).map(() => 1)]))
}

/** Projects δ onto the ball of radius eps (per example). */
export function project(delta: tf.Tensor, eps: tf.Tensor, norm: Norm): tf.Tensor {
  return tf.tidy(() => {
    if (norm === 'linf') return tf.minimum(tf.maximum(delta, tf.neg(eps)), eps)
    const n = rowNorms(delta, 'l2')
    const factor = tf.minimum(1, tf.div(tf.reshape(eps, [-1]), tf.add(n, TINY))) as tf.Tensor1D
    return tf.mul(delta, tf.reshape(factor, eps.shape))
  })
}

/** Per-example loss the attack ascends (summed over the batch). */
export function attackLoss(logits: tf.Tensor2D, y: tf.Tensor1D, kind: 'ce' | 'margin'): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1]
    const onehot = tf.oneHot(y, classes)
    if (kind === 'ce') {
      const logp = tf.logSoftmax(logits)
      return tf.neg(tf.sum(tf.mul(onehot, logp)))
    }
    // Soft logit margin: logsumexp over the other classes, so every competitor gets gradient.
    const target = tf.sum(tf.mul(onehot, logits), 1)
    // Sharpened by κ = 10 (→ hard max as κ grows); the hard max alone gets stuck on the
    // competitor it starts with.
    const other = tf.div(
      tf.logSumExp(tf.mul(tf.sub(logits, tf.mul(onehot, 1e9)), SOFT_MARGIN_KAPPA), 1),
      SOFT_MARGIN_KAPPA,
    )
    return tf.sum(tf.sub(other, target))
  })
}

/** Targeted loss: f_t − f_y per example (summed over the batch). */
export function targetedLoss(logits: tf.Tensor2D, y: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1]
    return tf.sum(tf.mul(logits, tf.sub(tf.oneHot(target, classes), tf.oneHot(y, classes))))
  })
}

function randomStart(x: tf.Tensor, eps: tf.Tensor, norm: Norm, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(x.shape, -1, 1, 'float32', rng.nextUint32())
    if (norm === 'linf') return tf.mul(u, eps)
    // ℓ2: a uniform direction at a radius drawn uniformly in [0, ε].
    const dir = divRows(u, tf.add(rowNorms(u, 'l2'), TINY) as tf.Tensor1D)
    const r = tf.randomUniform([x.shape[0] as number], 0, 1, 'float32', rng.nextUint32())
    return tf.mul(tf.mul(dir, tf.reshape(r, eps.shape)), eps)
  })
}

/** Projected gradient descent on the loss (ascent); see the module comment. */
export function pgd(net: MarginNet, x: tf.Tensor, y: tf.Tensor1D, o: AttackOptions): AttackResult {
  const steps = o.steps ?? 10
  const stepFactor = o.stepFactor ?? 2.5
  const kind = o.loss ?? 'ce'
  const n = x.shape[0] as number
  const eps = perExample(o.eps, x)
  const alpha = tf.mul(eps, stepFactor / Math.max(1, steps))
  const useRandom = (o.randomStart ?? true) && o.rng !== undefined
  let delta = useRandom ? randomStart(x, eps, o.norm, o.rng as Rng) : tf.zerosLike(x)
  let best = tf.clone(x)
  const fooled = new Float32Array(n)
  const yF = tf.cast(y, 'float32')
  try {
    for (let s = 0; s < steps; s++) {
      const next = tf.tidy(() => {
        const xAdv = tf.clipByValue(tf.add(x, delta), 0, 1)
        let wrong: tf.Tensor | undefined
        const grad = tf.grad((xi: tf.Tensor) => {
          const logits = logitsOf(net, xi)
          wrong = tf.keep(tf.notEqual(tf.cast(tf.argMax(logits, 1), 'float32'), yF))
          return o.target ? targetedLoss(logits, y, o.target) : attackLoss(logits, y, kind)
        })(xAdv)
        const step =
          o.norm === 'linf'
            ? tf.sign(grad)
            : divRows(grad, tf.add(rowNorms(grad, 'l2'), TINY) as tf.Tensor1D)
        const moved = project(tf.add(delta, tf.mul(alpha, step)), eps, o.norm)
        // Keep x+δ inside [0, 1].
        const clipped = tf.sub(tf.clipByValue(tf.add(x, moved), 0, 1), x)
        return { clipped, xAdv, wrong: wrong as tf.Tensor }
      })
      tf.dispose(delta)
      delta = next.clipped
      recordFooled(next.wrong, next.xAdv)
      tf.dispose([next.wrong, next.xAdv])
    }
    const last = tf.tidy(() => tf.clipByValue(tf.add(x, delta), 0, 1))
    const wrongLast = tf.tidy(() =>
      tf.notEqual(tf.cast(tf.argMax(logitsOf(net, last), 1), 'float32'), yF),
    )
    recordFooled(wrongLast, last)
    // Examples never fooled keep the last iterate (every example, with keep: 'last').
    const never = tf.tensor(
      fooled.map((f) => (o.keep === 'last' ? 1 : 1 - f)),
      [n, ...x.shape.slice(1).map(() => 1)],
    )
    const out = tf.tidy(() => tf.add(tf.mul(best, tf.sub(1, never)), tf.mul(last, never)))
    tf.dispose([last, wrongLast, never])
    return { x: out, fooled }
  } finally {
    tf.dispose([eps, alpha, delta, best, yF])
  }

  function recordFooled(wrong: tf.Tensor, xAdv: tf.Tensor): void {
    const w = wrong.dataSync()
    let any = false
    for (let i = 0; i < n; i++) {
      if (w[i]) {
        fooled[i] = 1
        any = true
      }
    }
    if (!any) return
    const mask = tf.reshape(tf.cast(wrong, 'float32'), [n, ...x.shape.slice(1).map(() => 1)])
    const updated = tf.tidy(() => tf.add(tf.mul(xAdv, mask), tf.mul(best, tf.sub(1, mask))))
    tf.dispose([best, mask])
    best = updated
  }
}

/** Fast gradient sign method (ℓ∞) or fast gradient method (ℓ2): one step of size ε, no start. */
export function fgsm(net: MarginNet, x: tf.Tensor, y: tf.Tensor1D, o: AttackOptions): AttackResult {
  return pgd(net, x, y, { ...o, steps: 1, stepFactor: 1, randomStart: false })
}
