import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { concatNets, createNet, DELETED, type MultiNet } from '../multitask/net.ts'
import { type TaskSplit, Trainer } from '../multitask/train.ts'
import { IterativePruneParams, pruneIteratively } from './iterative.ts'

// Two tasks on the same rows: task 0 = x0 > x1, task 1 = x2 > x3.
function split(n: number, seed: number): TaskSplit {
  const rng = new Rng(seed)
  const x = Float32Array.from({ length: n * 4 }, () => rng.next())
  const label = (a: number, b: number) =>
    Int32Array.from({ length: n }, (_, i) => (x[i * 4 + a]! > x[i * 4 + b]! ? 1 : 0))
  return { x, n, labels: [label(0, 1), label(2, 3)] }
}

const deletedOf = (net: MultiNet, task: number) =>
  [...net.hidden[0]!.part].filter((p, j) => p === DELETED && Math.floor(j / 8) === task).length

test('pruneIteratively() keeps pruning the group of a task within budget when another task fails', () => {
  const train = split(400, 1)
  const val = split(200, 2)
  const nets = [0, 1].map((t) => {
    const net = createNet(4, [8], 2, new Rng(3 + t))
    const one = { ...train, labels: [train.labels[t]!] }
    new Trainer(net, { lr: 0.05, momentum: 0.9, batch: 32 }).run(
      one,
      [...Array(400).keys()],
      200,
      new Rng(5),
    )
    return net
  })
  const merged = concatNets(nets)
  // Task 1 can never meet its reference (101 %): only task 0's partition may shrink.
  const params = IterativePruneParams.parse({ step: 0.25, maxRounds: 8, fineTuneSteps: 10 })
  const score = (net: MultiNet) =>
    [...net.hidden[0]!.part].flatMap((p, j): [number, number, number][] =>
      p === DELETED ? [] : [[0, j, j % 8]],
    )
  const result = pruneIteratively(merged, { train, val }, [0, 101], params, score, new Rng(6))
  assert.ok(deletedOf(merged, 0) > 0, 'task 0 pruned')
  assert.equal(deletedOf(merged, 1), 0, 'task 1 untouched')
  assert.equal(result.removed, deletedOf(merged, 0))
})

test('pruneIteratively() rejects references of the wrong length', () => {
  const net = createNet(4, [4], 2, new Rng(1))
  const data = { train: split(8, 1), val: split(8, 2) }
  assert.throws(
    () => pruneIteratively(net, data, [0, 0], IterativePruneParams.parse({}), () => [], new Rng(1)),
    /2 reference accuracies for 1 tasks/,
  )
})
