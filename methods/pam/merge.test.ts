import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildNet, DELETED, type NetSpec } from '../../models/multitask/net.ts'
import type { TaskSplit } from '../../models/multitask/train.ts'
import { pamMerge } from './merge.ts'

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
