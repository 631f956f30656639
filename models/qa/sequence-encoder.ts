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
import { lstmRecurrence } from './fused-lstm.ts'
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
    // Columns are gate-major, direction-minor: gate k of direction d is block 2k + d (h wide).
    this.w = store.matrix(`${name}.wx`, [inDim, 2 * g * hidden])
    const bias = new Float32Array(2 * g * hidden)
    // LSTM forget gates (gate 1) start open (bias 1), the usual remedy for early vanishing gradients.
    if (kind === 'lstm') bias.fill(1, 2 * hidden, 4 * hidden)
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

  /** The recurrent weights of both directions as one block-diagonal [2h, 2gh] matrix. */
  private blockRecurrent(g: number): tf.Tensor2D {
    const h = this.h
    const rows = tf.unstack(this.u as tf.Tensor3D).map((ud, d) =>
      tf.reshape(
        tf.pad(tf.reshape(ud, [h, g, 1, h]), [
          [0, 0],
          [0, 0],
          [d, 1 - d],
          [0, 0],
        ]),
        [h, 2 * g * h],
      ),
    )
    return tf.concat(rows, 0) as tf.Tensor2D
  }

  /**
   * Both directions as one recurrence over a [B, 2h] state (forward half, backward half) with
   * the block-diagonal recurrent matrix: the LSTM as the fused op of fused-lstm.ts, the GRU
   * step by step in tfjs ops.
   */
  private recur(x: tf.Tensor3D, lengths: readonly number[]): tf.Tensor3D {
    const t = x.shape[1]
    const h = this.h
    const g = this.kind === 'lstm' ? 4 : 3
    const rev = tf.tensor1d(reverseIndices(lengths, t), 'int32')
    const cols = new Float32Array(2 * g * h)
    for (let k = 0; k < g; k++) cols.fill(1, 2 * k * h, (2 * k + 1) * h)
    const fw = tf.tensor1d(cols) // 1 on the forward direction's columns
    const xp = dense(x, this.w, this.b) // [B, T, 2gh]
    // Forward columns read time in order, backward columns each sequence reversed.
    const xs = tf.add(tf.mul(xp, fw), tf.mul(reverseRows(xp, rev), tf.sub(1, fw)))
    const u = this.blockRecurrent(g)
    // [B, T, 2h], the backward half in reversed time.
    const all = this.kind === 'lstm' ? lstmRecurrence(xs as tf.Tensor3D, u) : this.gruSteps(xs, u)
    const fwHalf = tf.concat([tf.ones([h]), tf.zeros([h])])
    return tf.add(
      tf.mul(all, fwHalf),
      tf.mul(reverseRows(all, rev), tf.sub(1, fwHalf)),
    ) as tf.Tensor3D
  }

  /** The GRU recurrence step by step in tfjs ops: [B, T, 6h] inputs -> [B, T, 2h]. */
  private gruSteps(xs: tf.Tensor, u: tf.Tensor2D): tf.Tensor3D {
    const b = xs.shape[0] as number
    let state = tf.zeros([b, 2 * this.h]) as tf.Tensor
    const outs: tf.Tensor[] = []
    for (const xt of tf.unstack(xs, 1)) {
      const [xz, xr, xn] = tf.split(xt, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor]
      const [hz, hr, hn] = tf.split(tf.matMul(state, u), 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor]
      const z = tf.sigmoid(tf.add(xz, hz))
      const r = tf.sigmoid(tf.add(xr, hr))
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)))
      state = tf.add(n, tf.mul(z, tf.sub(state, n)))
      outs.push(state)
    }
    return tf.stack(outs, 1) as tf.Tensor3D
  }
}
