import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from './fake-context.ts'
import { classCounts } from './image-data.ts'
import { syntheticImages } from './synthetic-images.ts'

test('synthetic-images is determined by its seed', async () => {
  const p = syntheticImages.params.parse({ train: 50, test: 20, channels: 3 })
  const a = await syntheticImages.load(fakeContext(1), p)
  const b = await syntheticImages.load(fakeContext(2), p)
  assert.deepEqual(a.train.images, b.train.images)
  assert.deepEqual(a.test.labels, b.test.labels)
  const c = await syntheticImages.load(fakeContext(1), { ...p, seed: 1 })
  assert.notDeepEqual(a.train.images, c.train.images)
})

test('synthetic-images has balanced classes, the requested shapes and values in [0, 1]', async () => {
  const p = syntheticImages.params.parse({ train: 100, calibration: 30, test: 20 })
  const d = await syntheticImages.load(fakeContext(), p)
  assert.deepEqual(classCounts(d.train.labels, 10), new Array(10).fill(10))
  assert.equal(d.calibration.n, 30)
  assert.equal(d.train.images.length, 100 * 16 * 16)
  assert.ok(d.train.images.every((v) => v >= 0 && v <= 1))
})
