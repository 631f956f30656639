/**
 * Pruning masks on the kernels of a tfjs-layers model's Dense layers: magnitude masks per layer,
 * applied once and re-applied after every fine-tuning step (`train({ afterStep })`), so pruned
 * weights stay exactly zero while the kept ones are fine-tuned.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { type PruneOptions, pruneLayers } from './prune.ts'

export interface DenseMasks {
  /** The kernel variables masked, in layer order. */
  kernels: tf.Variable[]
  /** 0/1 float masks, shaped like each kernel. */
  masks: tf.Tensor[]
  /** Kept weights over all masked kernels. */
  kept: number
  total: number
  /** Re-applies every mask (kernel *= mask). */
  apply(): void
  dispose(): void
}

/** Dense layers of a model, in order. */
export function denseLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'Dense')
}

/** Magnitude-prunes every Dense kernel of `model` per layer to `opts.sparsity` and masks it. */
export function maskDenseKernels(model: tfl.LayersModel, opts: PruneOptions): DenseMasks {
  const layers = denseLayers(model)
  if (layers.length === 0) throw new TypeError('Cannot prune: the model has no Dense layer')
  const kernels = layers.map((l) => {
    const w = l.trainableWeights[0]
    if (!w) throw new TypeError(`Cannot prune layer "${l.name}": it has no kernel`)
    return w.read() as tf.Variable
  })
  const refs = kernels.map((k) => ({
    values: k.dataSync() as Float32Array,
    rows: k.shape[0] as number,
    cols: k.shape[1] as number,
  }))
  const results = pruneLayers(refs, opts)
  const masks = results.map((r, i) =>
    tf.tensor(Float32Array.from(r.mask), kernels[i]?.shape as number[], 'float32'),
  )
  const apply = () =>
    tf.tidy(() => {
      for (const [i, k] of kernels.entries()) k.assign(tf.mul(k, masks[i] as tf.Tensor))
    })
  apply()
  const kept = results.reduce((s, r) => s + r.kept, 0)
  const total = refs.reduce((s, r) => s + r.rows * r.cols, 0)
  return { kernels, masks, kept, total, apply, dispose: () => tf.dispose(masks) }
}
