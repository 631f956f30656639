/** Image datasets as typed arrays: splits, stratified splitting, row selection and tensors. */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../harness/run/rng.ts'

/** One split: `n` images, NHWC row-major in [0, 1], and their class labels. */
export interface ImageSplit {
  /** n·height·width·channels values, image i at [i·h·w·c, (i+1)·h·w·c). */
  images: Float32Array
  labels: Int32Array
  n: number
  height: number
  width: number
  channels: number
}

/** A labelled image dataset with fixed train / calibration / test splits. */
export interface ImageDataset {
  numClasses: number
  height: number
  width: number
  channels: number
  train: ImageSplit
  /** Held out for calibration (quantization ranges, MI estimates, early stopping); may be empty. */
  calibration: ImageSplit
  test: ImageSplit
}

/** How images become a tensor: NHWC [n, h, w, c] for convnets, flat [n, h·w·c] for MLPs. */
export type Layout = 'nhwc' | 'flat'

/** Images and labels of a split as tensors: x float32 (layout), y int32 [n]. Caller disposes. */
export function toTensors(
  split: ImageSplit,
  layout: Layout = 'nhwc',
): { x: tf.Tensor; y: tf.Tensor1D } {
  const shape =
    layout === 'nhwc'
      ? [split.n, split.height, split.width, split.channels]
      : [split.n, split.height * split.width * split.channels]
  return { x: tf.tensor(split.images, shape, 'float32'), y: tf.tensor1d(split.labels, 'int32') }
}

/** The rows of a split at `indices`, in that order; `labels` replaces the labels if given. */
export function selectRows(
  split: ImageSplit,
  indices: ArrayLike<number>,
  labels?: Int32Array,
): ImageSplit {
  const size = split.height * split.width * split.channels
  const images = new Float32Array(indices.length * size)
  const out = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number
    if (!(r >= 0 && r < split.n)) throw new RangeError(`Cannot select row ${r} of ${split.n}`)
    images.set(split.images.subarray(r * size, (r + 1) * size), i * size)
    out[i] = labels ? (labels[i] as number) : (split.labels[r] as number)
  }
  return { ...split, images, labels: out, n: indices.length }
}

/**
 * Splits example indices into disjoint sets of the given sizes, each stratified by label:
 * split s takes from class c a share of its size proportional to what class c still has
 * (largest remainder, ties to the lower class), then every split is shuffled.
 */
export function stratifiedSplit(
  labels: Int32Array,
  numClasses: number,
  sizes: readonly number[],
  rng: Rng,
): Int32Array[] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => [])
  labels.forEach((c, i) => {
    const bucket = byClass[c]
    if (!bucket) throw new RangeError(`Cannot split: label ${c} is outside [0, ${numClasses})`)
    bucket.push(i)
  })
  const total = sizes.reduce((a, b) => a + b, 0)
  if (total > labels.length)
    throw new RangeError(
      `Cannot split: sizes ${sizes.join(' + ')} = ${total} exceed the ${labels.length} examples`,
    )
  for (const bucket of byClass) rng.shuffle(bucket)
  const taken = new Array<number>(numClasses).fill(0)
  return sizes.map((size) => {
    const avail = byClass.map((b, c) => b.length - (taken[c] as number))
    const left = avail.reduce((a, b) => a + b, 0)
    const exact = avail.map((a) => (left > 0 ? (size * a) / left : 0))
    const quota = exact.map(Math.floor)
    let missing = size - quota.reduce((a, b) => a + b, 0)
    const order = exact
      .map((e, c) => ({ c, r: e - Math.floor(e) }))
      .sort((a, b) => b.r - a.r || a.c - b.c)
    for (const { c } of order) {
      if (missing === 0) break
      if ((quota[c] as number) < (avail[c] as number)) {
        quota[c] = (quota[c] as number) + 1
        missing--
      }
    }
    const picked: number[] = []
    quota.forEach((q, c) => {
      const start = taken[c] as number
      picked.push(...(byClass[c] as number[]).slice(start, start + q))
      taken[c] = start + q
    })
    return Int32Array.from(rng.shuffle(picked))
  })
}

/** Examples per class of a label array. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0)
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number
    if (c >= 0 && c < numClasses) counts[c] = (counts[c] as number) + 1
  }
  return counts
}
