/**
 * One replica of data-parallel training: a zoo classifier built from a seed, its optimizer, and
 * the training set as tensors on this thread's tfjs backend. The calling thread holds replica 0;
 * each worker thread holds one more (see trainer.ts). Every replica applies the same averaged
 * gradient with its own optimizer, so the replicas stay identical bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { Rng } from '../../harness/run/rng.ts'
import { lossFunction } from '../../models/train.ts'
import { buildClassifier } from '../../models/trained-classifier.ts'

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
  private readonly optimizer: tf.Optimizer
  private readonly lossFn = lossFunction('softmax-cross-entropy')

  constructor(
    spec: ReplicaSpec,
    private readonly x: tf.Tensor,
    private readonly y: tf.Tensor,
  ) {
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
    this.optimizer =
      spec.optimizer === 'adam' ? tf.train.adam(spec.learningRate) : tf.train.sgd(spec.learningRate)
  }

  /** Gradient of the mean loss over the training rows `indices` (no update). */
  gradient(indices: Int32Array): ShardGradient {
    // tf.gather does not check bounds on wasm: a bad row would train on garbage silently.
    const rows = this.x.shape[0] as number
    for (const r of indices)
      if (!(r >= 0 && r < rows))
        throw new RangeError(
          `Cannot compute a gradient: row ${r} is outside the ${rows} training rows`,
        )
    const grads = new Float32Array(this.size)
    const idx = tf.tensor1d(indices, 'int32')
    const xb = tf.gather(this.x, idx)
    const yb = tf.gather(this.y, idx)
    let correctT: tf.Scalar | undefined
    const { value, grads: named } = tf.variableGrads(() => {
      const out = this.model.apply(xb, { training: true }) as tf.Tensor
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
      count: indices.length,
    }
    tf.dispose([idx, xb, yb, value, ...Object.values(named)])
    if (correctT) correctT.dispose()
    return result
  }

  /** One optimizer step with a flat gradient (the average over replicas). */
  apply(grads: Float32Array): void {
    if (grads.length !== this.size)
      throw new RangeError(
        `Cannot apply a gradient of ${grads.length} values to a replica of ${this.size}`,
      )
    const named: tf.NamedTensorMap = {}
    this.variables.forEach((v, i) => {
      const at = this.offsets[i] as number
      named[v.name] = tf.tensor(grads.subarray(at, at + v.size), v.shape, 'float32')
    })
    this.optimizer.applyGradients(named)
    tf.dispose(Object.values(named))
  }

  /** Every trainable value, flattened (to compare replicas). */
  weights(): Float32Array {
    const out = new Float32Array(this.size)
    this.variables.forEach((v, i) => {
      out.set(v.dataSync() as Float32Array, this.offsets[i])
    })
    return out
  }

  dispose(): void {
    this.optimizer.dispose()
    this.model.dispose()
  }
}

/** An order-sensitive digest of a flat float array (FNV-1a over its bytes). */
export function digest(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}
