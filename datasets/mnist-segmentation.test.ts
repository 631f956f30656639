import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from './fake-context.ts'
import {
  BACKGROUND,
  generateMnistSegmentation,
  MnistSegmentationParams,
  makeMnistSegmentation,
  mnistSegmentation,
  resizeDigit,
} from './mnist-segmentation.ts'

const small = (extra: Record<string, unknown> = {}) =>
  MnistSegmentationParams.parse({ train: 24, test: 8, ...extra })

test('mnist-segmentation is deterministic per seed and differs across seeds', () => {
  const a = generateMnistSegmentation(small())
  const b = generateMnistSegmentation(small())
  const c = generateMnistSegmentation(small({ seed: 1 }))
  assert.deepEqual(a.train.images, b.train.images)
  assert.deepEqual(a.test.labels, b.test.labels)
  assert.notDeepEqual(a.train.labels, c.train.labels)
})

test('mnist-segmentation has 64x64 canvases in [0, 1] with 11 classes and 2-4 digits each', () => {
  const d = generateMnistSegmentation(small())
  assert.equal(d.numClasses, 11)
  assert.equal(d.train.images.length, 24 * 64 * 64)
  assert.equal(d.test.labels.length, 8 * 64 * 64)
  for (const v of d.train.images) assert.ok(v >= 0 && v <= 1)
  for (let i = 0; i < d.train.n; i++) {
    const lab = d.train.labels.subarray(i * 4096, (i + 1) * 4096)
    let fg = 0
    for (const l of lab) {
      assert.ok(l >= 0 && l <= BACKGROUND)
      if (l !== BACKGROUND) fg++
    }
    // 2-4 digits of 24-40 px: strokes cover a visible but minor part of the canvas
    assert.ok(fg > 100 && fg < 2600, `canvas ${i}: ${fg} foreground pixels`)
  }
})

test('mnist-segmentation hard variant gives every digit of an image one class', () => {
  const d = generateMnistSegmentation(small({ variant: 'hard' }))
  let mixed = 0
  for (let i = 0; i < d.train.n; i++) {
    const classes = new Set(d.train.labels.subarray(i * 4096, (i + 1) * 4096))
    classes.delete(BACKGROUND)
    assert.equal(classes.size, 1, `canvas ${i}: classes ${[...classes]}`)
  }
  const m = generateMnistSegmentation(small())
  for (let i = 0; i < m.train.n; i++) {
    const classes = new Set(m.train.labels.subarray(i * 4096, (i + 1) * 4096))
    classes.delete(BACKGROUND)
    if (classes.size > 1) mixed++
  }
  assert.ok(mixed > m.train.n / 2, `${mixed} mixed canvases`)
})

test('resizeDigit keeps a constant image constant and maps corners to corners', () => {
  const src = new Float32Array(28 * 28).fill(0.5)
  for (const v of resizeDigit(src, 0, 40)) assert.ok(Math.abs(v - 0.5) < 1e-6)
  const dot = new Float32Array(28 * 28)
  dot[0] = 1
  const r = resizeDigit(dot, 0, 56)
  assert.equal(r[0], 1)
  assert.equal(r[56 * 56 - 1], 0)
})

test('mnist-segmentation loads through its definition and names a missing package', async () => {
  const d = await mnistSegmentation.load(fakeContext(), small({ train: 2, test: 1 }))
  assert.equal(d.train.n, 2)
  const missing = makeMnistSegmentation('no-such-mnist-package')
  await assert.rejects(missing.load(fakeContext(), small()), /npm package "no-such-mnist-package"/)
  assert.throws(() => MnistSegmentationParams.parse({ minScale: 30, maxScale: 20 }))
})
