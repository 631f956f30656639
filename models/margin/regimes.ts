/**
 * Training-data regimes of the margin study: the full training split, a stratified 1% or 5%
 * subset of it, or the full split with 20% or 50% symmetric label noise (a flipped label is
 * drawn uniformly from the other classes). Test data is never changed.
 */
import { type ImageSplit, selectRows, stratifiedSplit } from '../../datasets/image-data.ts'
import type { Rng } from '../../harness/run/rng.ts'

export const REGIMES = ['full', 'subset-1', 'subset-5', 'noise-20', 'noise-50'] as const
export type Regime = (typeof REGIMES)[number]

export interface RegimeSplit {
  split: ImageSplit
  /** Share of training labels that differ from the true ones. */
  noise: number
}

/** The training split of `regime`, drawn with `rng`. */
export function applyRegime(
  train: ImageSplit,
  numClasses: number,
  regime: Regime,
  rng: Rng,
): RegimeSplit {
  switch (regime) {
    case 'full':
      return { split: train, noise: 0 }
    case 'subset-1':
    case 'subset-5': {
      const share = regime === 'subset-1' ? 0.01 : 0.05
      const size = Math.max(numClasses, Math.round(train.n * share))
      const [rows] = stratifiedSplit(train.labels, numClasses, [size], rng)
      return { split: selectRows(train, rows as Int32Array), noise: 0 }
    }
    case 'noise-20':
    case 'noise-50': {
      const rate = regime === 'noise-20' ? 0.2 : 0.5
      const labels = flipLabels(train.labels, numClasses, rate, rng)
      let changed = 0
      labels.forEach((l, i) => {
        if (l !== train.labels[i]) changed++
      })
      return { split: { ...train, labels }, noise: changed / train.n }
    }
  }
}

/** Flips exactly round(rate·n) labels, chosen at random, each to a different random class. */
export function flipLabels(
  labels: Int32Array,
  numClasses: number,
  rate: number,
  rng: Rng,
): Int32Array {
  if (!(rate >= 0 && rate <= 1))
    throw new RangeError(`Cannot flip labels: rate ${rate} is outside [0, 1]`)
  const out = Int32Array.from(labels)
  const order = rng.shuffle(Array.from({ length: labels.length }, (_, i) => i))
  const count = Math.round(rate * labels.length)
  for (let k = 0; k < count; k++) {
    const i = order[k] as number
    const shift = 1 + rng.int(numClasses - 1)
    out[i] = ((labels[i] as number) + shift) % numClasses
  }
  return out
}

/**
 * Holds out `size` stratified training examples as a validation split (for choosing
 * hyper-parameters without the test split): returns the rest of the training split and the
 * held-out examples.
 */
export function holdOut(
  train: ImageSplit,
  numClasses: number,
  size: number,
  rng: Rng,
): { train: ImageSplit; validation: ImageSplit } {
  if (!(size > 0 && size < train.n))
    throw new RangeError(
      `Cannot hold out ${size} validation examples from a training split of ${train.n}`,
    )
  const [val, rest] = stratifiedSplit(train.labels, numClasses, [size, train.n - size], rng)
  return {
    train: selectRows(train, rest as Int32Array),
    validation: selectRows(train, val as Int32Array),
  }
}
