import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArmParams, armConfig, windowFeatures } from './trial.ts'

test('windowFeatures() reads current, previous, target and position of each window', () => {
  const stream = Int32Array.from([10, 11, 12, 13, 14, 15, 16])
  const f = windowFeatures(stream, [0, 3], 3)
  assert.deepEqual([...f.cur], [10, 11, 12, 13, 14, 15])
  assert.deepEqual([...f.prev], [-1, 10, 11, 12, 13, 14])
  assert.deepEqual([...f.target], [11, 12, 13, 14, 15, 16])
  assert.deepEqual([...f.pos], [0, 1, 2, 0, 1, 2])
})

test('armConfig() puts the arm at the chosen blocks and dense FFNs elsewhere', () => {
  const p = ArmParams.parse({ layers: 3, moeLayers: [2, 3], experts: 4, ffn: 16 })
  const hash = armConfig(p, { kind: 'hash', routing: 'hash-random', segments: 1 }, 50)
  assert.deepEqual(
    hash.blocks.map((b) => b.kind),
    ['dense', 'routed', 'routed'],
  )
  const wide = armConfig(p, { kind: 'dense', wide: true }, 50)
  assert.deepEqual(
    wide.blocks.map((b) => b.width),
    [16, 64, 64],
  )
  assert.throws(
    () => armConfig({ ...p, moeLayers: [4] }, { kind: 'dense', wide: false }, 50),
    /moeLayers holds 4 but the model has 3 layers/,
  )
})
