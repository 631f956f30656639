/**
 * One replica of data-parallel training: a zoo classifier built from a seed on this thread's
 * tfjs backend, its flat parameters and optimizer (flat-optimizer.ts), and the training set as
 * flat arrays (shared between threads). The calling thread holds replica 0; each worker thread
 * holds one more (see trainer.ts). The replicas share their flat parameters; each averages the
 * shard gradients and takes its optimizer's step on its own range of them, then writes all of
 * them into its variables, so the replicas stay identical bit for bit.
 *
 * A mini-batch shard is copied out of the flat arrays (tf.gather of 32 images costs about a
 * millisecond on wasm; a copy, microseconds).
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { Rng } from '../../harness/run/rng.ts'
import { lossFunction } from '../../models/train.ts'
import { buildClassifier } from '../../models/trained-classifier.ts'
import { type FlatOptimizer, flatAdam, flatSgd } from './flat-optimizer.ts'

/** The training set as flat arrays: x row-major [n, ...xShape.slice(1)], y integer labels. */
export interface TrainingArrays {
  x: Float32Array
  xShape: number[]
  y: Int32Array
}

/** What every replica builds: the same network from the same seed, the same optimizer. */
export interface ReplicaSpec {
  model: 'mlp' | 'lenet5' | 'cnn'
  height: number
  width: number
  channels: number
  numClasses: number
  /** Hidden widths of the mlp. */
  hidden?: number[]
  /** Seed of the weight initialisation (an Rng's `seed`). */
  initSeed: number
  optimizer: 'adam' | 'sgd'
  learningRate: number
}

/** A shard's gradient, flattened in the order of the model's trainable weights. */
export interface ShardGradient {
  grads: Float32Array
  /** Mean loss over the shard. */
  loss: number
  /** Correct top-1 predictions in the shard. */
  correct: number
  /** Examples in the shard. */
  count: number
}

export class Replica {
  readonly model: tfl.LayersModel
  readonly layout: 'flat' | 'nhwc'
  readonly variables: tf.Variable[]
  /** Total number of trainable values (the length of a flat gradient). */
  readonly size: number
  private readonly offsets: number[]
  /**
   * The trainable values, flattened; the variables are written from it after each step. Shared
   * between the replicas of a data-parallel trainer (`shareParams`): each updates its range.
   */
  private params: Float32Array
  private readonly optimizer: FlatOptimizer
  private readonly lossFn = lossFunction('softmax-cross-entropy')
  private readonly rows: number
  private readonly rowSize: number
  /** The averaged gradient, reused every step. */
  private average: Float32Array | undefined

  constructor(
    spec: ReplicaSpec,
    private readonly data: TrainingArrays,
  ) {
    this.rows = data.xShape[0] ?? 0
    this.rowSize = this.rows > 0 ? data.x.length / this.rows : 0
    if (data.y.length !== this.rows || !Number.isInteger(this.rowSize))
      throw new TypeError(
        `Cannot build a replica: x of shape [${data.xShape}] holds ${data.x.length} values and y ${data.y.length} labels`,
      )
    const built = buildClassifier(spec.model, spec, new Rng(spec.initSeed), spec.hidden)
    this.model = built.model
    this.layout = built.layout
    this.variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable)
    this.offsets = []
    let size = 0
    for (const v of this.variables) {
      this.offsets.push(size)
      size += v.size
    }
    this.size = size
    this.params = new Float32Array(size)
    this.variables.forEach((v, i) => {
      this.params.set(v.dataSync() as Float32Array, this.offsets[i])
    })
    this.optimizer =
      spec.optimizer === 'adam' ? flatAdam(size, spec.learningRate) : flatSgd(spec.learningRate)
  }

  /**
   * Gradient of the mean loss over the training rows `indices` (no update), written into `into`
   * (a slot of the shared exchange; a new array when omitted).
   */
  gradient(indices: Int32Array, into?: Float32Array): ShardGradient {
    if (into && into.length !== this.size)
      throw new RangeError(
        `Cannot compute a gradient into ${into.length} values: the replica has ${this.size}`,
      )
    const k = indices.length
    const xs = new Float32Array(k * this.rowSize)
    const ys = new Int32Array(k)
    for (let i = 0; i < k; i++) {
      const r = indices[i] as number
      // A bad row would otherwise train on garbage silently.
      if (!(r >= 0 && r < this.rows))
        throw new RangeError(
          `Cannot compute a gradient: row ${r} is outside the ${this.rows} training rows`,
        )
      xs.set(this.data.x.subarray(r * this.rowSize, (r + 1) * this.rowSize), i * this.rowSize)
      ys[i] = this.data.y[r] as number
    }
    const xb = tf.tensor(xs, [k, ...this.data.xShape.slice(1)], 'float32')
    const yb = tf.tensor1d(ys, 'int32')
    const grads = into ?? new Float32Array(this.size)
    let correctT: tf.Scalar | undefined
    const { value, grads: named } = tf.variableGrads(() => {
      const out = this.forward(xb)
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), yb), 'float32')) as tf.Scalar)
      return this.lossFn(yb, out)
    }, this.variables)
    this.variables.forEach((v, i) => {
      const g = named[v.name]
      if (!g) throw new Error(`Cannot compute the gradient of "${v.name}": it is missing`)
      grads.set(g.dataSync() as Float32Array, this.offsets[i])
    })
    const result: ShardGradient = {
      grads,
      loss: value.dataSync()[0] as number,
      correct: correctT ? (correctT.dataSync()[0] as number) : 0,
      count: k,
    }
    tf.dispose([xb, yb, value, ...Object.values(named)])
    if (correctT) correctT.dispose()
    return result
  }

  /**
   * The training-mode forward pass. A Sequential model runs layer by layer through Layer.call:
   * the same ops (the same gradients, bit for bit, tested) without model.apply's symbolic
   * bookkeeping, about 1-2 ms of a 15-20 ms half-batch step.
   */
  private forward(x: tf.Tensor): tf.Tensor {
    if (this.model.getClassName() !== 'Sequential')
      return this.model.apply(x, { training: true }) as tf.Tensor
    let h = x
    for (const layer of this.model.layers) {
      if (layer.getClassName() === 'InputLayer') continue
      h = layer.call(h, { training: true }) as tf.Tensor
    }
    return h
  }

  /**
   * Computes `steps` gradients on the first `rows` training rows and discards them: a new thread
   * runs tfjs's JavaScript unoptimised for its first ~100 steps (about 1.5x slower), which would
   * otherwise be timed as training. The weights and the optimizer are untouched.
   */
  warmUp(steps: number, rows: number): void {
    const take = Int32Array.from({ length: Math.min(rows, this.rows) }, (_, i) => i)
    for (let i = 0; i < steps && take.length > 0; i++) this.gradient(take)
  }

  /**
   * Makes `shared` (a SharedArrayBuffer view of `size` values) this replica's parameters; with
   * `init` it first receives this replica's values (replica 0 does so before any other replica
   * uses it).
   */
  shareParams(shared: Float32Array, init: boolean): void {
    if (shared.length !== this.size)
      throw new RangeError(
        `Cannot share ${shared.length} parameters with a replica of ${this.size}`,
      )
    if (init) shared.set(this.params)
    this.params = shared
  }

  /**
   * This replica's part of a data-parallel update: the average of the shard gradients (see
   * `averageInto`) and the optimizer step on the values [lo, hi) of the shared parameters only.
   * Once every replica has updated its range, each calls `writeVariables`.
   */
  updateRange(
    parts: readonly { grads: Float32Array; count: number }[],
    n: number,
    lo: number,
    hi: number,
  ): void {
    this.average ??= new Float32Array(this.size)
    averageInto(this.average, parts, n, lo, hi)
    this.optimizer.stepRange(this.params, this.average, lo, hi)
  }

  /** One optimizer step with a flat gradient (the average over replicas). */
  apply(grads: Float32Array): void {
    if (grads.length !== this.size)
      throw new RangeError(
        `Cannot apply a gradient of ${grads.length} values to a replica of ${this.size}`,
      )
    this.optimizer.step(this.params, grads)
    this.writeVariables()
  }

  /** Writes the flat parameters into the model's variables. */
  writeVariables(): void {
    this.variables.forEach((v, i) => {
      const at = this.offsets[i] as number
      const t = tf.tensor(this.params.subarray(at, at + v.size), v.shape, 'float32')
      v.assign(t)
      t.dispose()
    })
  }

  /** Every trainable value as the model's variables hold it, flattened (to compare replicas). */
  weights(): Float32Array {
    const out = new Float32Array(this.size)
    this.variables.forEach((v, i) => {
      out.set(v.dataSync() as Float32Array, this.offsets[i])
    })
    return out
  }

  dispose(): void {
    this.model.dispose()
  }
}

/**
 * `out` = sum over `parts`, in order, of (count / n) x grads: the gradient of the mean loss over
 * the n rows of the shards (on the values [lo, hi) only, when given). The order and the rounding (float32 after each addition) are fixed,
 * so every thread computing it gets the same values bit for bit.
 */
export function averageInto(
  out: Float32Array,
  parts: readonly { grads: Float32Array; count: number }[],
  n: number,
  lo = 0,
  hi = out.length,
): Float32Array {
  out.fill(0, lo, hi)
  for (const part of parts) {
    if (part.count === 0) continue
    const w = part.count / n
    const g = part.grads
    for (let i = lo; i < hi; i++) out[i] = (out[i] as number) + w * (g[i] as number)
  }
  return out
}

/** An order-sensitive digest of a flat float array (FNV-1a over its bytes). */
export function digest(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}
