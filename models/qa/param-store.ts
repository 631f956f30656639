/**
 * Trainable variables of the QA readers, created up front from a seeded Rng (Glorot-uniform
 * matrices, zero biases), so two builds with the same seed hold the same weights.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../harness/run/rng.ts'

export class ParamStore {
  private readonly rng: Rng
  private readonly vars = new Map<string, tf.Variable>()

  constructor(rng: Rng) {
    this.rng = rng
  }

  private add(name: string, shape: number[], values: Float32Array): tf.Variable {
    if (this.vars.has(name)) throw new Error(`Cannot create parameter "${name}": it exists`)
    const v = tf.variable(tf.tensor(values, shape), true)
    this.vars.set(name, v)
    return v
  }

  /** A Glorot-uniform matrix (fan in = product of all but the last dimension). */
  matrix(name: string, shape: number[]): tf.Variable {
    const out = shape[shape.length - 1] as number
    const size = shape.reduce((a, b) => a * b, 1)
    const limit = Math.sqrt(6 / (size / out + out))
    const values = new Float32Array(size)
    for (let i = 0; i < size; i++) values[i] = (this.rng.next() * 2 - 1) * limit
    return this.add(name, shape, values)
  }

  /** A constant-filled tensor (biases, gates). */
  constant(name: string, shape: number[], value = 0): tf.Variable {
    return this.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value))
  }

  /** Normal(0, scale) values (embedding tables). */
  normal(name: string, shape: number[], scale: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
    for (let i = 0; i < values.length; i++) values[i] = this.rng.normal() * scale
    return this.add(name, shape, values)
  }

  get variables(): tf.Variable[] {
    return [...this.vars.values()]
  }

  /** Number of trainable scalars. */
  get count(): number {
    return this.variables.reduce((a, v) => a + v.size, 0)
  }

  /** Copies of every value (to keep the best epoch's weights). */
  snapshot(): tf.Tensor[] {
    return this.variables.map((v) => tf.clone(v))
  }

  /** Puts a snapshot back and disposes it. */
  restore(snapshot: tf.Tensor[]): void {
    this.variables.forEach((v, i) => {
      v.assign(snapshot[i] as tf.Tensor)
    })
    tf.dispose(snapshot)
  }

  dispose(): void {
    tf.dispose(this.variables)
    this.vars.clear()
  }
}

/** x [..., in] · W [in, out] + b, on tensors of any rank. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = w.shape[0] as number
  const outDim = w.shape[1] as number
  const lead = x.shape.slice(0, -1)
  const y = tf.matMul(tf.reshape(x, [-1, inDim]), w as tf.Tensor2D)
  return tf.reshape(b ? tf.add(y, b) : y, [...lead, outDim])
}
