import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deriveSeed, Rng } from './rng.ts'

test('Rng streams are pinned for a seed', () => {
  const r = new Rng(42)
  const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()]
  assert.deepEqual(first, [1028872839, 2516511472, 400437680])
  const again = new Rng(42)
  assert.deepEqual([again.nextUint32(), again.nextUint32(), again.nextUint32()], first)
  assert.notDeepEqual([new Rng(43).nextUint32()], [first[0]])
})

test('Rng.next() is uniform on [0, 1) and normal() has unit variance', () => {
  const r = new Rng(7)
  let sum = 0
  let sq = 0
  const n = 20000
  for (let i = 0; i < n; i++) {
    const u = r.next()
    assert.ok(u >= 0 && u < 1)
    const z = r.normal()
    sum += z
    sq += z * z
  }
  assert.ok(Math.abs(sum / n) < 0.05)
  assert.ok(Math.abs(sq / n - 1) < 0.05)
})

test('deriveSeed() depends on root and label only', () => {
  assert.equal(deriveSeed(1, 'a'), deriveSeed(1, 'a'))
  assert.notEqual(deriveSeed(1, 'a'), deriveSeed(1, 'b'))
  assert.notEqual(deriveSeed(1, 'a'), deriveSeed(2, 'a'))
})
