/**
 * A classifier seen as the margin study needs it: a sequential tfjs-layers network cut into a
 * feature extractor (every layer but the last) and a head over the last layer's kernel, so that
 * losses can read features and class weights, and measures can take gradients at any layer.
 *
 * Heads (what the logits are at training and at test time):
 *   affine              Wᵀh + b                 (cross-entropy, hinge, Elsayed, PGD-AT, MMA)
 *   linear              Wᵀh                     (L-Softmax: ‖W_j‖‖h‖cos θ_j)
 *   normalized-weights  Ŵᵀh                     (A-Softmax: ‖h‖cos θ_j)
 *   cosine              s·Ŵᵀĥ                   (CosFace / AM-Softmax, ArcFace: s·cos θ_j)
 * The bias of the last layer is unused (and not trained) by every head but `affine`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

export const HEADS = ['affine', 'linear', 'normalized-weights', 'cosine'] as const
export type HeadKind = (typeof HEADS)[number]

export interface MarginNet {
  model: tfl.LayersModel
  head: HeadKind
  /** Scale s of the `cosine` head. @default 1 */
  scale: number
}

/** Cut point of a gradient or margin: `input`, or the name of a layer whose output is used. */
export type CutPoint = string

const EPS = 1e-12

function layersOf(net: MarginNet): tfl.layers.Layer[] {
  return net.model.layers.filter((l) => l.getClassName() !== 'InputLayer')
}

/** Index of the first layer after the cut point (0 for `input`). */
export function cutIndex(net: MarginNet, cut: CutPoint): number {
  if (cut === 'input') return 0
  const layers = layersOf(net)
  const i = layers.findIndex((l) => l.name === cut)
  if (i < 0 || i >= layers.length - 1)
    throw new RangeError(
      `Cannot cut the network at "${cut}": valid cuts are input, ${layers
        .slice(0, -1)
        .map((l) => l.name)
        .join(', ')}`,
    )
  return i + 1
}

/** Applies layers [from, to) to `x` (inference mode: the zoo nets have no dropout or BN). */
export function forwardRange(net: MarginNet, x: tf.Tensor, from: number, to: number): tf.Tensor {
  const layers = layersOf(net)
  let h = x
  for (let i = from; i < to; i++) h = (layers[i] as tfl.layers.Layer).apply(h) as tf.Tensor
  return h
}

/** The last layer (the classifier), whose kernel the head reads. */
export function lastLayer(net: MarginNet): tfl.layers.Layer {
  const layers = layersOf(net)
  const last = layers[layers.length - 1]
  if (!last) throw new TypeError('Cannot use the network: it has no layers')
  return last
}

/** The class weights W [features, classes] as a variable read (differentiable). */
export function kernelOf(net: MarginNet): tf.Tensor2D {
  const w = lastLayer(net).trainableWeights[0]
  if (!w) throw new TypeError('Cannot read the class weights: the last layer has no kernel')
  return w.read() as tf.Tensor2D
}

/** Penultimate features [n, d]. */
export function featuresOf(net: MarginNet, x: tf.Tensor): tf.Tensor2D {
  return forwardRange(net, x, 0, layersOf(net).length - 1) as tf.Tensor2D
}

/** Unit-length rows (columns with axis 0). */
export function l2Normalize(t: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(t, tf.sqrt(tf.add(tf.sum(tf.square(t), axis, true), EPS)))
}

/** cos θ_j between each feature row and each class weight column: [n, classes]. */
export function cosines(features: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(l2Normalize(features, 1), l2Normalize(kernel, 0)) as tf.Tensor2D
}

/** Logits of the head from features. */
export function headLogits(net: MarginNet, features: tf.Tensor2D): tf.Tensor2D {
  const kernel = kernelOf(net)
  switch (net.head) {
    case 'affine':
      return lastLayer(net).apply(features) as tf.Tensor2D
    case 'linear':
      return tf.matMul(features, kernel)
    case 'normalized-weights':
      return tf.matMul(features, l2Normalize(kernel, 0) as tf.Tensor2D)
    case 'cosine':
      return tf.mul(cosines(features, kernel), net.scale)
  }
}

/** Logits from the output of the cut point (`h` = input for `input`). */
export function logitsFrom(net: MarginNet, h: tf.Tensor, cut: CutPoint): tf.Tensor2D {
  const layers = layersOf(net)
  const feats = forwardRange(net, h, cutIndex(net, cut), layers.length - 1) as tf.Tensor2D
  return headLogits(net, feats)
}

/** Logits of inputs x. */
export function logitsOf(net: MarginNet, x: tf.Tensor): tf.Tensor2D {
  return headLogits(net, featuresOf(net, x))
}

/** Output of the cut point for inputs x (x itself for `input`). */
export function activationAt(net: MarginNet, x: tf.Tensor, cut: CutPoint): tf.Tensor {
  return forwardRange(net, x, 0, cutIndex(net, cut))
}

/** The variables the head's loss reaches: every trainable weight, less the unused bias. */
export function trainableVariables(net: MarginNet): tf.Variable[] {
  const last = lastLayer(net)
  const skip = net.head === 'affine' ? undefined : last.trainableWeights[1]
  return net.model.trainableWeights.filter((w) => w !== skip).map((w) => w.read() as tf.Variable)
}

/** Predicted classes of x, in batches. */
export function predictClasses(net: MarginNet, x: tf.Tensor, batchSize = 512): Int32Array {
  const n = x.shape[0] as number
  const out = new Int32Array(n)
  for (let b = 0; b < n; b += batchSize) {
    const end = Math.min(n, b + batchSize)
    const p = tf.tidy(() => tf.argMax(logitsOf(net, tf.slice(x, [b], [end - b])), 1))
    out.set(p.dataSync() as Int32Array, b)
    p.dispose()
  }
  return out
}
