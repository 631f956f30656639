import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classCounts, type ImageSplit } from '../../datasets/image-data.ts'
import { Rng } from '../../harness/run/rng.ts'
import { applyRegime, flipLabels, holdOut } from './regimes.ts'

function split(n: number): ImageSplit {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10)
  return { images: new Float32Array(n * 4), labels, n, height: 2, width: 2, channels: 1 }
}

test('flipLabels() flips exactly the asked share, always to another class', () => {
  const labels = split(1000).labels
  const out = flipLabels(labels, 10, 0.2, new Rng(1))
  let changed = 0
  out.forEach((l, i) => {
    assert.ok(l >= 0 && l < 10)
    if (l !== labels[i]) changed++
  })
  assert.equal(changed, 200)
})

test('applyRegime() keeps a stratified 1% / 5% subset and reports the label noise', () => {
  const train = split(2000)
  const one = applyRegime(train, 10, 'subset-1', new Rng(2))
  assert.equal(one.split.n, 20)
  assert.deepEqual(classCounts(one.split.labels, 10), new Array(10).fill(2))
  assert.equal(applyRegime(train, 10, 'subset-5', new Rng(2)).split.n, 100)
  const noisy = applyRegime(train, 10, 'noise-50', new Rng(3))
  assert.equal(noisy.split.n, 2000)
  assert.equal(noisy.noise, 0.5)
  assert.equal(applyRegime(train, 10, 'full', new Rng(3)).split, train)
})

test('holdOut() carves a disjoint stratified validation split from the training split', () => {
  const train = split(500)
  train.images.forEach((_, i) => {
    train.images[i] = Math.floor(i / 4)
  })
  const { train: rest, validation } = holdOut(train, 10, 100, new Rng(4))
  assert.equal(rest.n, 400)
  assert.equal(validation.n, 100)
  assert.deepEqual(classCounts(validation.labels, 10), new Array(10).fill(10))
  const rows = (s: ImageSplit) => Array.from({ length: s.n }, (_, i) => s.images[i * 4] as number)
  const seen = new Set([...rows(rest), ...rows(validation)])
  assert.equal(seen.size, 500)
  assert.throws(() => holdOut(train, 10, 500, new Rng(4)), /Cannot hold out 500/)
})
