/**
 * Per-layer Hessian traces of the cross-entropy loss (HAWQ-v2), by Hutchinson's estimator:
 *
 *   tr(H_jj) = E_v[ vᵀ H_jj v ],  v Rademacher (±1, seeded), one vector per layer and sample
 *
 * The quadratic form is exact, not a finite difference. For a ReLU network the logits are
 * piecewise linear in one layer's weights W_j (the activation pattern is locally constant and
 * the other layers are fixed), so the second derivative of the logits along W_j vanishes and
 *
 *   vᵀ H_jj v = mean_i  dz_iᵀ (diag(p_i) − p_i p_iᵀ) dz_i,   dz_i = J_j,i v
 *
 * with p_i the softmax of example i and dz_i the forward-mode derivative of its logits along v:
 * the input of layer j times v, then the rest of the network linearised at the float weights
 * (ReLU masks, max-pool winners). An earlier version used central differences of tfjs gradients;
 * its perturbation of all 200k first-layer weights flipped ReLUs and gave that layer a negative
 * trace (−7 ± 9); nested tf.grad is not usable (it returns zeros through tfjs's losses).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'
import { type QNet, weightedLayers } from './qnet.ts'

export interface TraceEstimate {
  /** Per block: the mean of vᵀ H v over samples. */
  trace: number[]
  /** Per block: the standard error of that mean. */
  stderr: number[]
}

/** A Rademacher vector of length n. */
export function rademacher(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1))
}

/** Hutchinson's estimate of the trace of each block, given v ↦ vᵀ H_jj v. */
export function hutchinsonTrace(
  quadraticForm: (block: number, v: Float32Array) => number,
  sizes: readonly number[],
  samples: number,
  rng: Rng,
): TraceEstimate {
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`Cannot estimate a Hessian trace: samples = ${samples} must be >= 1`)
  const draws = sizes.map((n, j) =>
    Array.from({ length: samples }, () => quadraticForm(j, rademacher(n, rng))),
  )
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length
  return {
    trace: draws.map(mean),
    stderr: draws.map((x) => {
      if (x.length < 2) return Number.NaN
      const m = mean(x)
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1) / x.length)
    }),
  }
}

type Step =
  | { kind: 'weighted'; input: tf.Tensor; w: tf.Tensor; conv: boolean; mask?: tf.Tensor }
  | { kind: 'maxpool'; mask: tf.Tensor; size: number }
  | { kind: 'flatten' }

/**
 * v ↦ vᵀ H_jj v of the mean softmax cross-entropy of `net` on inputs `x` (flat rows) at its
 * float weights, exact for ReLU / max-pool networks (see the module comment). Labels do not enter:
 * the Hessian of the cross-entropy in the logits is diag(p) − ppᵀ. Call `dispose` when done.
 */
export function blockCurvature(
  net: QNet,
  x: Float32Array,
): { quadraticForm: (block: number, v: Float32Array) => number; dispose: () => void } {
  const size = net.inputShape.reduce((a, b) => a * b, 1)
  const n = x.length / size
  const steps: Step[] = []
  const weighted: number[] = []
  const keep: tf.Tensor[] = []
  const probs = tf.tidy(() => {
    let h = tf.tensor(x, [n, ...net.inputShape])
    for (const l of net.layers) {
      if (l.kind === 'maxpool') {
        // The winner mask of every window (tfjs-wasm's maxPoolWithArgmax returns wrong indexes
        // for some windows of the second and later examples). Ties are windows of ReLU zeros,
        // whose tangents are zero too, so summing the tangent over the mask is exact.
        const [, hh = 1, ww = 1, c = 1] = h.shape
        const s = l.size
        const cropped = tf.slice(h, [0, 0, 0, 0], [n, hh - (hh % s), ww - (ww % s), c])
        const m = tf.maxPool(cropped as tf.Tensor4D, s, s, 'valid')
        const up = tf.image.resizeNearestNeighbor(m, [cropped.shape[1] ?? 1, cropped.shape[2] ?? 1])
        const mask = tf.keep(tf.cast(tf.equal(cropped, up), 'float32'))
        keep.push(mask)
        steps.push({ kind: 'maxpool', mask, size: s })
        h = m
      } else if (l.kind === 'flatten') {
        steps.push({ kind: 'flatten' })
        h = tf.reshape(h, [n, -1])
      } else {
        const conv = l.kind === 'conv'
        const w = tf.keep(
          conv ? tf.tensor4d(l.w, [l.k, l.k, l.cin, l.cout]) : tf.tensor2d(l.w, [l.fanIn, l.units]),
        )
        const input = tf.keep(h)
        keep.push(w, input)
        const pre = tf.add(
          conv
            ? tf.conv2d(h as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')
            : tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D),
          tf.tensor1d(l.b),
        )
        let mask: tf.Tensor | undefined
        if (l.relu) {
          mask = tf.keep(tf.cast(tf.greater(pre, 0), 'float32'))
          keep.push(mask)
          h = tf.relu(pre)
        } else h = pre
        weighted.push(steps.length)
        steps.push({ kind: 'weighted', input, w, conv, ...(mask ? { mask } : {}) })
      }
    }
    return tf.softmax(h)
  })
  keep.push(probs)
  const layers = weightedLayers(net)
  const quadraticForm = (block: number, v: Float32Array): number =>
    tf.tidy(() => {
      const l = layers[block]
      const start = weighted[block]
      if (!l || start === undefined)
        throw new RangeError(`Cannot form a Hessian block: no weighted layer ${block}`)
      let dz: tf.Tensor | undefined
      for (let s = start; s < steps.length; s++) {
        const st = steps[s] as Step
        if (st.kind === 'maxpool') {
          const t = dz as tf.Tensor
          const [, ch = 1, cw = 1] = st.mask.shape
          const tc = tf.slice(t, [0, 0, 0, 0], [n, ch, cw, t.shape[3] ?? 1])
          const sum = tf.mul(
            tf.avgPool(tf.mul(tc, st.mask) as tf.Tensor4D, st.size, st.size, 'valid'),
            st.size ** 2,
          )
          dz = sum
        } else if (st.kind === 'flatten') {
          dz = tf.reshape(dz as tf.Tensor, [n, -1])
        } else {
          // Along v at the start layer: input · v; afterwards the tangent through fixed weights.
          const [a, b] =
            s === start
              ? [
                  st.input,
                  st.conv
                    ? tf.tensor(v, st.w.shape)
                    : tf.tensor2d(v, st.w.shape as [number, number]),
                ]
              : [dz as tf.Tensor, st.w]
          dz = st.conv
            ? tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')
            : tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)
          if (st.mask) dz = tf.mul(dz, st.mask)
        }
      }
      const t = dz as tf.Tensor
      const pd = tf.sum(tf.mul(probs, t), 1)
      const q = tf.sub(tf.sum(tf.mul(probs, tf.square(t)), 1), tf.square(pd))
      return tf.mean(q).dataSync()[0] as number
    })
  return { quadraticForm, dispose: () => tf.dispose(keep) }
}

/** Per-layer Hessian traces of the cross-entropy on inputs `x` at the net's float weights. */
export function layerHessianTraces(
  net: QNet,
  x: Float32Array,
  samples: number,
  rng: Rng,
): TraceEstimate {
  const c = blockCurvature(net, x)
  try {
    return hutchinsonTrace(
      c.quadraticForm,
      weightedLayers(net).map((l) => l.w.length),
      samples,
      rng,
    )
  } finally {
    c.dispose()
  }
}
