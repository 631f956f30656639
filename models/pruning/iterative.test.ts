import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { concatNets, createNet, DELETED, type MultiNet, SHARED } from '../multitask/net.ts'
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

test("pruneIteratively() with partitions 'shared' prunes a merged net's shared neurons only, a single-task net whole", () => {
  const train = split(200, 1)
  const val = split(100, 2)
  const nets = [0, 1].map((t) => createNet(4, [8], 2, new Rng(3 + t)))
  // Neurons 0-3 of each net shared, 4-7 task-specific.
  const merged = concatNets(nets, (t, _l, j) => (j < 4 ? SHARED : t))
  const params = IterativePruneParams.parse({
    step: 0.5,
    maxRounds: 3,
    fineTuneSteps: 0,
    partitions: 'shared',
  })
  const score = (net: MultiNet) =>
    [...net.hidden[0]!.part].flatMap((p, j): [number, number, number][] =>
      p === DELETED ? [] : [[0, j, p === SHARED ? 1 : 0]],
    )
  // References of 0 %: every round is within budget, so only the partition rule stops pruning.
  pruneIteratively(merged, { train, val }, [0, 0], params, score, new Rng(6))
  const part = [...merged.hidden[0]!.part]
  assert.ok(part.filter((p) => p === DELETED).length > 0, 'shared neurons pruned')
  assert.equal(part.filter((p) => p === 0 || p === 1).length, 8, 'task-specific neurons kept')

  const single = createNet(4, [8], 2, new Rng(9))
  const one = {
    train: { ...train, labels: [train.labels[0]!] },
    val: { ...val, labels: [val.labels[0]!] },
  }
  pruneIteratively(single, one, [0], params, score, new Rng(6))
  assert.ok(
    single.hidden[0]!.part.some((p) => p === DELETED),
    'a single-task net is pruned',
  )
})
