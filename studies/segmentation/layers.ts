/**
 * The few trainable primitives the segmentation heads are written with, on plain tfjs-core ops
 * (every op used has a gradient on the wasm backend): seeded weights, 1x1 convolutions as
 * matrix products over [B, HW, C] features, batch norm with running statistics, group norm.
 *
 * Features travel as [B, HW, C] between the 1x1 operations of a head; `toTokens` / `toMap`
 * convert from and to the [B, H, W, C] maps of the backbone.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'

const EPS = 1e-5

/** Owns a network's trainable variables, created from one seeded stream in a fixed order. */
export class ParamStore {
  readonly variables: tf.Variable[] = []
  private readonly rng: Rng

  constructor(rng: Rng) {
    this.rng = rng
  }

  /** He-normal weights (std √(2 / fanIn)), or `std` when given. */
  normal(shape: number[], fanIn: number, std = Math.sqrt(2 / fanIn)): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1)
    const values = new Float32Array(n)
    for (let i = 0; i < n; i++) values[i] = this.rng.normal() * std
    return this.add(tf.tensor(values, shape))
  }

  constant(shape: number[], value: number): tf.Variable {
    return this.add(tf.fill(shape, value))
  }

  private add(t: tf.Tensor): tf.Variable {
    const v = tf.variable(t, true)
    t.dispose()
    this.variables.push(v)
    return v
  }

  /** Number of trainable scalars. */
  count(): number {
    return this.variables.reduce((a, v) => a + v.size, 0)
  }

  dispose(): void {
    for (const v of this.variables) v.dispose()
    this.variables.length = 0
  }
}

/** [B, H, W, C] -> [B, HW, C]. */
export function toTokens(x: tf.Tensor4D): tf.Tensor3D {
  const [b, h, w, c] = x.shape
  return tf.reshape(x, [b, h * w, c])
}

/** [B, HW, C] -> [B, H, W, C]. */
export function toMap(x: tf.Tensor3D, h: number, w: number): tf.Tensor4D {
  const [b, , c] = x.shape
  return tf.reshape(x, [b, h, w, c])
}

/** A 1x1 convolution: [B, L, Cin] · W [Cin, Cout] (+ bias). */
export interface Linear {
  w: tf.Variable
  b?: tf.Variable
}

export function linear(store: ParamStore, cin: number, cout: number, bias: boolean): Linear {
  const w = store.normal([cin, cout], cin)
  return bias ? { w, b: store.constant([cout], 0) } : { w }
}

export function applyLinear(l: Linear, x: tf.Tensor3D): tf.Tensor3D {
  const [b, n, c] = x.shape
  let y = tf.matMul(tf.reshape(x, [b * n, c]), l.w)
  if (l.b) y = tf.add(y, l.b)
  return tf.reshape(y, [b, n, l.w.shape[1] as number])
}

/**
 * Batch norm over every axis but `axis` (the channel axis): batch statistics while training
 * (and an update of the running ones, momentum 0.1 as in PyTorch), running statistics otherwise.
 */
export class BatchNorm {
  readonly gamma: tf.Variable
  readonly beta: tf.Variable
  private readonly mean: Float32Array
  private readonly variance: Float32Array

  constructor(store: ParamStore, channels: number, gammaInit = 1) {
    this.gamma = store.constant([channels], gammaInit)
    this.beta = store.constant([channels], 0)
    this.mean = new Float32Array(channels)
    this.variance = new Float32Array(channels).fill(1)
  }

  apply(x: tf.Tensor, axis: number, training: boolean): tf.Tensor {
    const c = this.mean.length
    const shape = x.shape.map((_, i) => (i === axis ? c : 1))
    const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis)
    let mean: tf.Tensor
    let variance: tf.Tensor
    if (training) {
      const m = tf.moments(x, reduce, true)
      mean = m.mean
      variance = m.variance
      const mv = mean.dataSync()
      const vv = variance.dataSync()
      const n = x.size / c
      for (let i = 0; i < c; i++) {
        this.mean[i] = 0.9 * (this.mean[i] as number) + 0.1 * (mv[i] as number)
        const unbiased = n > 1 ? ((vv[i] as number) * n) / (n - 1) : (vv[i] as number)
        this.variance[i] = 0.9 * (this.variance[i] as number) + 0.1 * unbiased
      }
    } else {
      mean = tf.tensor(this.mean, shape)
      variance = tf.tensor(this.variance, shape)
    }
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)))
    return tf.add(tf.mul(normed, tf.reshape(this.gamma, shape)), tf.reshape(this.beta, shape))
  }

  /** The inference form as one affine map per channel: y = x·scale + shift. */
  inferenceAffine(): { scale: Float32Array; shift: Float32Array } {
    const gamma = this.gamma.dataSync()
    const beta = this.beta.dataSync()
    const c = this.mean.length
    const scale = new Float32Array(c)
    const shift = new Float32Array(c)
    for (let i = 0; i < c; i++) {
      const s = (gamma[i] as number) / Math.sqrt((this.variance[i] as number) + EPS)
      scale[i] = s
      shift[i] = (beta[i] as number) - (this.mean[i] as number) * s
    }
    return { scale, shift }
  }
}

/** Group norm of [B, L, C] features: `groups` groups of C/groups channels, per example. */
export class GroupNorm {
  readonly gamma: tf.Variable
  readonly beta: tf.Variable
  readonly groups: number
  readonly epsilon = EPS

  constructor(store: ParamStore, channels: number, groups: number) {
    if (channels % groups !== 0)
      throw new RangeError(`Cannot build group norm: ${channels} channels in ${groups} groups`)
    this.groups = groups
    this.gamma = store.constant([channels], 1)
    this.beta = store.constant([channels], 0)
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [b, l, c] = x.shape
    const g = tf.reshape(x, [b, l, this.groups, c / this.groups])
    const m = tf.moments(g, [1, 3], true)
    const normed = tf.reshape(tf.mul(tf.sub(g, m.mean), tf.rsqrt(tf.add(m.variance, EPS))), [
      b,
      l,
      c,
    ])
    return tf.add(tf.mul(normed, this.gamma), this.beta) as tf.Tensor3D
  }
}
