import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { combinationFlops } from './cost.ts'
import { compilePlan, runPlan } from './inference-plan.ts'
import {
  concatNets,
  createNet,
  DELETED,
  netArch,
  partitionCounts,
  readRuns,
  SHARED,
} from './net.ts'
import { evaluateTasks, forward, type TaskSplit, Trainer } from './train.ts'

const rng = new Rng(3)
const nets = [createNet(6, [4, 3], 2, rng.fork('a')), createNet(6, [4, 3], 3, rng.fork('b'))]
// Layer 0: shared 0, 4; task A 1, 5; task B 2; deleted 3; layer 1: shared 0, 3; A 1; B 4; deleted 2, 5.
const parts = [
  [SHARED, 0, 1, DELETED, SHARED, 0, 1, 1],
  [SHARED, 0, DELETED, SHARED, 1, DELETED],
]
const merged = concatNets(nets, (t, l, j) => parts[l]![t * (l === 0 ? 4 : 3) + j]!)
const x = Float32Array.from({ length: 5 * 6 }, (_, i) => ((i * 7) % 11) / 10)

test('concatNets() of unmerged nets computes what each net computes alone', () => {
  const side = concatNets(nets)
  const together = forward(side, x, 5).outs
  for (const [t, net] of nets.entries()) assert.deepEqual(forward(net, x, 5).outs[0], together[t])
})

test('compilePlan() counts the cost model FLOPs and reproduces the full forward pass per task', () => {
  for (const combo of [[0], [1], [0, 1]]) {
    const plan = compilePlan(merged, combo)
    assert.equal(plan.flops, combinationFlops(netArch(merged), partitionCounts(merged), combo))
    const outs = runPlan(plan, x, 5)
    const full = forward(merged, x, 5).outs
    combo.forEach((t, k) => {
      const tanh = Float32Array.from(outs[k]!, Math.tanh)
      for (const [i, v] of tanh.entries()) assert.ok(Math.abs(v - full[t]![i]!) < 1e-5)
    })
  }
})

test("task-specific neurons of one task never change another task's output", () => {
  const before = forward(merged, x, 5).outs[0]!
  const other = merged.hidden[0]!
  for (let i = 0; i < other.inSize; i++) other.w[i * other.outSize + 2]! += 5 // a task-B neuron
  const after = forward(merged, x, 5).outs[0]!
  assert.deepEqual(after, before)
})

test('Trainer keeps forbidden weights at zero and lowers the loss', () => {
  const split: TaskSplit = {
    x: Float32Array.from({ length: 64 * 6 }, (_, i) => ((i * 13) % 17) / 17),
    n: 64,
    labels: [
      Int32Array.from({ length: 64 }, (_, i) => i % 2),
      Int32Array.from({ length: 64 }, (_, i) => i % 3),
    ],
  }
  const net = concatNets(nets, (t, l, j) => parts[l]![t * (l === 0 ? 4 : 3) + j]!)
  const trainer = new Trainer(net, { lr: 0.05, momentum: 0.9, batch: 16 })
  const rows = Array.from({ length: 64 }, (_, i) => i)
  const first = trainer.step(split, rows, false)
  trainer.run(split, rows, 200, new Rng(1))
  assert.ok(trainer.step(split, rows, false) < first)
  for (const layer of [...net.hidden, ...net.heads])
    layer.w.forEach((w, k) => {
      if (layer.mask[k] === 0) assert.ok(w === 0)
    })
  assert.equal(evaluateTasks(net, split).length, 2)
})

test('readRuns() lists the output runs each input neuron may reach', () => {
  const side = concatNets(nets)
  // Layer 1 of two unmerged nets (4 and 4 inputs, 3 and 3 outputs): block diagonal.
  const runs = readRuns(side.hidden[1]!).map((r) => [...r])
  assert.deepEqual(runs, [...Array(4).fill([0, 3]), ...Array(4).fill([3, 6])])
  // Merged layer 1: input 0 shared -> every alive output; input 3 (deleted) -> none.
  const m = readRuns(merged.hidden[1]!).map((r) => [...r])
  assert.deepEqual(m[0], [0, 2, 3, 5])
  assert.deepEqual(m[3], [])
})
