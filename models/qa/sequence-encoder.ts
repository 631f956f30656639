/**
 * Bidirectional sequence encoders of the QA readers, all [B, T, in] -> [B, T, 2h], padding zeroed:
 *
 *   'lstm' | 'gru'  true recurrences, both directions in one loop (batched matMul over a
 *                   direction axis); the backward direction reads each sequence reversed within
 *                   its own length, so padding never enters a valid state
 *   'conv'          a stand-in for CPU budgets: a projection then residual gated (GLU) width-5
 *                   convolutions; order beyond the window comes from position channels
 *
 * tfjs-layers' `bidirectional(lstm)` does run on the wasm backend (with a non-orthogonal
 * recurrent initializer), but it is about 3x slower than this loop and has no per-sequence
 * reversal, so the readers use this file.
 */
import * as tf from '@tensorflow/tfjs-core'
import { dense, type ParamStore } from './param-store.ts'

export const ENCODERS = ['lstm', 'gru', 'conv'] as const
export type EncoderKind = (typeof ENCODERS)[number]

/** Flat gather indices reversing each row of [B, T] within its length. */
export function reverseIndices(lengths: readonly number[], t: number): Int32Array {
  const out = new Int32Array(lengths.length * t)
  lengths.forEach((len, b) => {
    for (let i = 0; i < t; i++) out[b * t + i] = b * t + (i < len ? len - 1 - i : i)
  })
  return out
}

function reverseRows(x: tf.Tensor, rev: tf.Tensor1D): tf.Tensor {
  const [b, t, ...rest] = x.shape as number[]
  return tf.reshape(
    tf.gather(tf.reshape(x, [(b as number) * (t as number), ...rest]), rev),
    x.shape,
  )
}

export class SequenceEncoder {
  readonly outDim: number
  private readonly kind: EncoderKind
  private readonly h: number
  private readonly w: tf.Variable
  private readonly b: tf.Variable
  private readonly u: tf.Variable | undefined
  private readonly convs: { a: tf.Variable; g: tf.Variable; ab: tf.Variable; gb: tf.Variable }[] =
    []

  /** `layers`: GLU blocks of the conv encoder. @default 2 */
  constructor(
    store: ParamStore,
    name: string,
    inDim: number,
    hidden: number,
    kind: EncoderKind,
    layers = 2,
  ) {
    this.kind = kind
    this.h = hidden
    this.outDim = 2 * hidden
    if (kind === 'conv') {
      this.w = store.matrix(`${name}.proj`, [inDim, 2 * hidden])
      this.b = store.constant(`${name}.projBias`, [2 * hidden])
      for (let l = 0; l < layers; l++)
        this.convs.push({
          a: store.matrix(`${name}.conv${l}`, [5, 2 * hidden, 2 * hidden]),
          g: store.matrix(`${name}.gate${l}`, [5, 2 * hidden, 2 * hidden]),
          ab: store.constant(`${name}.conv${l}Bias`, [2 * hidden]),
          gb: store.constant(`${name}.gate${l}Bias`, [2 * hidden]),
        })
      return
    }
    const g = kind === 'lstm' ? 4 : 3
    this.w = store.matrix(`${name}.wx`, [inDim, 2 * g * hidden])
    const bias = new Array(2 * g * hidden).fill(0)
    // LSTM forget gates start open (bias 1), the usual remedy for early vanishing gradients.
    if (kind === 'lstm')
      for (let d = 0; d < 2; d++)
        for (let i = 0; i < hidden; i++) bias[d * g * hidden + hidden + i] = 1
    this.b = store.constant(`${name}.bx`, [2 * g * hidden])
    this.b.assign(tf.tensor1d(bias))
    this.u = store.matrix(`${name}.wh`, [2, hidden, g * hidden])
  }

  /** x [B, T, in], mask [B, T], lengths (tokens per row) -> [B, T, 2h]. */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D, lengths: readonly number[]): tf.Tensor3D {
    const m = tf.expandDims(mask, 2)
    if (this.kind === 'conv') {
      let h = tf.mul(dense(x, this.w, this.b), m)
      for (const c of this.convs) {
        // Value and gate as two width-5 convolutions (cheaper on wasm than one conv and a split).
        const conv = (k: tf.Variable, bias: tf.Variable) =>
          tf.add(tf.conv1d(h as tf.Tensor3D, k as tf.Tensor3D, 1, 'same'), bias)
        h = tf.add(h, tf.mul(tf.mul(conv(c.a, c.ab), tf.sigmoid(conv(c.g, c.gb))), m))
      }
      return h as tf.Tensor3D
    }
    return tf.mul(this.recur(x, lengths), m) as tf.Tensor3D
  }

  private recur(x: tf.Tensor3D, lengths: readonly number[]): tf.Tensor3D {
    const [b, t] = x.shape
    const h = this.h
    const g = this.kind === 'lstm' ? 4 : 3
    const rev = tf.tensor1d(reverseIndices(lengths, t), 'int32')
    const xp = tf.reshape(dense(x, this.w, this.b), [b, t, 2, g * h])
    const [fw, bw] = tf.unstack(xp, 2) as [tf.Tensor, tf.Tensor]
    // [T, 2, B, g*h]: one slice per step holds both directions.
    const steps = tf.unstack(tf.transpose(tf.stack([fw, reverseRows(bw, rev)]), [2, 0, 1, 3]))
    const u = this.u as tf.Tensor3D
    let state = tf.zeros([2, b, h]) as tf.Tensor3D
    let cell = tf.zeros([2, b, h])
    const outs: tf.Tensor[] = []
    for (const xt of steps) {
      const hu = tf.matMul(state, u)
      if (this.kind === 'lstm') {
        const z = tf.add(xt, hu)
        const [i, f, c, o] = tf.split(z, 4, 2) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
        cell = tf.add(tf.mul(tf.sigmoid(f), cell), tf.mul(tf.sigmoid(i), tf.tanh(c)))
        state = tf.mul(tf.sigmoid(o), tf.tanh(cell)) as tf.Tensor3D
      } else {
        const [xz, xr, xn] = tf.split(xt, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor]
        const [hz, hr, hn] = tf.split(hu, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor]
        const z = tf.sigmoid(tf.add(xz, hz))
        const r = tf.sigmoid(tf.add(xr, hr))
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)))
        state = tf.add(n, tf.mul(z, tf.sub(state, n))) as tf.Tensor3D
      }
      outs.push(state)
    }
    const all = tf.transpose(tf.stack(outs), [1, 2, 0, 3]) // [2, B, T, h]
    const [of, ob] = tf.unstack(all) as [tf.Tensor, tf.Tensor]
    return tf.concat([of, reverseRows(ob, rev)], 2) as tf.Tensor3D
  }
}
