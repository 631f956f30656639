/**
 * Seeded 10-class (by default) images for tests and smoke runs: class c is a Gaussian blob at
 * angle 2πc/K on a ring around the centre, jittered by up to ±1 pixel, with a random amplitude
 * in [0.7, 1], Gaussian pixel noise, clipped to [0, 1]. With several channels each class also
 * gets its own colour. Balanced classes, shuffled order.
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { ImageDataset, ImageSplit } from './image-data.ts'

const positiveInt = z.number().int().positive()

export const SyntheticImagesParams = z
  .object({
    /** @default 1000 */
    train: z.number().int().nonnegative().default(1000),
    /** @default 0 */
    calibration: z.number().int().nonnegative().default(0),
    /** @default 200 */
    test: z.number().int().nonnegative().default(200),
    /** @default 16 */
    height: positiveInt.default(16),
    /** @default 16 */
    width: positiveInt.default(16),
    /** @default 1 */
    channels: positiveInt.default(1),
    /** @default 10 */
    numClasses: z.number().int().min(2).default(10),
    /** Standard deviation of the pixel noise. @default 0.1 */
    noise: z.number().nonnegative().default(0.1),
    /** The data depend on this seed only. @default 0 */
    seed: z.number().int().nonnegative().default(0),
  })
  .strict()
export type SyntheticImagesParams = z.output<typeof SyntheticImagesParams>

function generateSplit(p: SyntheticImagesParams, n: number, rng: Rng): ImageSplit {
  const { height: h, width: w, channels: ch, numClasses: k } = p
  const size = h * w * ch
  const images = new Float32Array(n * size)
  const labels = Int32Array.from(rng.shuffle(Array.from({ length: n }, (_, i) => i % k)))
  const radius = 0.3 * Math.min(h, w)
  const sigma = 0.12 * Math.min(h, w)
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number
    const angle = (2 * Math.PI * c) / k
    const cy = (h - 1) / 2 + radius * Math.sin(angle) + (rng.int(3) - 1)
    const cx = (w - 1) / 2 + radius * Math.cos(angle) + (rng.int(3) - 1)
    const amplitude = 0.7 + 0.3 * rng.next()
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const blob = amplitude * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * sigma * sigma))
        for (let z = 0; z < ch; z++) {
          const colour = ch === 1 ? 1 : 0.6 + 0.4 * Math.cos(2 * Math.PI * (c / k + z / ch))
          const v = blob * colour + p.noise * rng.normal()
          images[i * size + (y * w + x) * ch + z] = Math.min(1, Math.max(0, v))
        }
      }
    }
  }
  return { images, labels, n, height: h, width: w, channels: ch }
}

/** Generates the dataset; the same params give the same arrays. */
export function generateSyntheticImages(p: SyntheticImagesParams): ImageDataset {
  const rng = new Rng(p.seed)
  return {
    numClasses: p.numClasses,
    height: p.height,
    width: p.width,
    channels: p.channels,
    train: generateSplit(p, p.train, rng.fork('train')),
    calibration: generateSplit(p, p.calibration, rng.fork('calibration')),
    test: generateSplit(p, p.test, rng.fork('test')),
  }
}

/** Seeded synthetic blob images (see the module comment). */
export const syntheticImages: DatasetDef<SyntheticImagesParams, ImageDataset> = {
  name: 'synthetic-images',
  description: 'Seeded class-dependent blob images with noise, for tests and smoke runs',
  version: '1',
  params: SyntheticImagesParams,
  load: async (_ctx, params) => generateSyntheticImages(params),
}
