import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildNet, DELETED, type NetSpec } from '../../models/multitask/net.ts'
import type { TaskSplit } from '../../models/multitask/train.ts'
import { marginalIrrelevance } from './irrelevance.ts'
import { pamMerge, scaleFeatures } from './merge.ts'

test('pamMerge() applies alphaConv to conv layers and alpha to dense layers', () => {
  const spec: NetSpec = {
    input: { height: 8, width: 8, channels: 1 },
    conv: [{ channels: 3, kernel: 3, pool: true }],
    dense: [6],
  }
  const nets = [buildNet(spec, 2, new Rng(1)), buildNet(spec, 2, new Rng(2))]
  const rng = new Rng(3)
  const n = 40
  const train: TaskSplit = {
    x: Float32Array.from({ length: n * 64 }, () => rng.next()),
    n,
    labels: [0, 1].map((t) => Int32Array.from({ length: n }, (_, i) => (i >> t) % 2)),
  }
  // An unbounded conv threshold makes every channel irrelevant to both tasks: all deleted;
  // a zero dense threshold keeps every informative dense neuron.
  const { partitions } = pamMerge(
    nets,
    train,
    [2, 2],
    { alpha: 0, alphaConv: 1e9, sigma2: 0.1, samples: n },
    new Rng(4),
  )
  assert.ok(partitions[0]!.every((p) => p === DELETED))
  assert.ok(partitions[1]!.some((p) => p !== DELETED))
})

test("scaleFeatures('std') keeps a weak informative channel that one large maximum hides under 'max'", () => {
  const n = 120
  const rng = new Rng(5)
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2)
  // Channel 0 tells the classes apart at the 0.5 scale; channel 1 is 0 but for one huge maximum.
  const make = () => [
    Float64Array.from(labels, (y) => 0.5 * y + 0.05 * rng.next()),
    Float64Array.from({ length: n }, (_, i) => (i === 7 ? 40 : 0)),
  ]
  const task = { labels, classes: 2 }
  const byMax = make()
  scaleFeatures(byMax, 'max')
  const byStd = make()
  scaleFeatures(byStd, 'std')
  assert.deepEqual(marginalIrrelevance(byMax, n, task, 0.01, 0.1), [0, 1])
  assert.deepEqual(marginalIrrelevance(byStd, n, task, 0.01, 0.1), [1])
})

test('pamMerge() scales conv features by scaleConv and dense features by scale', () => {
  const spec: NetSpec = {
    input: { height: 8, width: 8, channels: 1 },
    conv: [{ channels: 4, kernel: 3, pool: true }],
    dense: [6],
  }
  const nets = [buildNet(spec, 2, new Rng(6)), buildNet(spec, 2, new Rng(7))]
  const rng = new Rng(8)
  const n = 60
  const train: TaskSplit = {
    x: Float32Array.from({ length: n * 64 }, () => rng.next()),
    n,
    labels: [0, 1].map((t) => Int32Array.from({ length: n }, (_, i) => (i >> t) % 2)),
  }
  const merge = (scaleConv: 'max' | 'std' | 'raw', scale: 'max' | 'std' | 'raw') =>
    pamMerge(
      nets,
      train,
      [2, 2],
      { alpha: 0.05, alphaConv: 0.01, sigma2: 0.1, samples: n, rule: 'marginal', scale, scaleConv },
      new Rng(9),
    ).partitions
  const std = merge('std', 'max')
  const max = merge('max', 'max')
  // Dense partitions read only the dense features: the conv scaling leaves them alone.
  assert.deepEqual([...std[1]!], [...max[1]!])
  // The default conv scaling is 'std'.
  const byDefault = pamMerge(
    nets,
    train,
    [2, 2],
    { alpha: 0.05, alphaConv: 0.01, sigma2: 0.1, samples: n, rule: 'marginal' },
    new Rng(9),
  ).partitions
  assert.deepEqual([...byDefault[0]!], [...std[0]!])
  // ...and the conv scaling decides the conv partition: 'max' marks more channels irrelevant.
  const deleted = (p: Int32Array) => [...p].filter((v) => v === DELETED).length
  assert.ok(deleted(max[0]!) > deleted(std[0]!), `${[...max[0]!]} vs ${[...std[0]!]}`)
})
