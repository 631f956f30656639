import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { createNet, DELETED } from '../multitask/net.ts'
import { evaluateTasks, type TaskSplit, Trainer } from '../multitask/train.ts'
import { pruneTaylor, TaylorPruneParams, taylorImportance } from './taylor.ts'

// Two informative inputs (class = which one is larger) and four noise inputs.
function split(n: number, seed: number): TaskSplit {
  const rng = new Rng(seed)
  const x = new Float32Array(n * 6)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 6; k++) x[i * 6 + k] = rng.next()
    labels[i] = x[i * 6]! > x[i * 6 + 1]! ? 1 : 0
  }
  return { x, n, labels: [labels] }
}

test('taylorImportance() scores a dead neuron zero', () => {
  const net = createNet(6, [6], 2, new Rng(1))
  const layer = net.hidden[0]!
  for (let i = 0; i < 6; i++) layer.w[i * 6 + 2] = 0
  layer.b[2] = -1
  const train = split(64, 2)
  const scores = taylorImportance(net, train, [...Array(64).keys()], 4, 16, new Rng(3))
  assert.equal(scores.find(([, j]) => j === 2)?.[2], 0)
})

test('pruneTaylor() removes neurons and keeps validation accuracy within the budget', () => {
  const train = split(600, 4)
  const val = split(300, 5)
  const net = createNet(6, [16], 2, new Rng(6))
  new Trainer(net, { lr: 0.05, momentum: 0.9, batch: 32 }).run(
    train,
    [...Array(600).keys()],
    600,
    new Rng(7),
  )
  const reference = evaluateTasks(net, val)
  const params = TaylorPruneParams.parse({
    budget: 1,
    maxRounds: 10,
    step: 0.25,
    fineTuneSteps: 40,
  })
  const result = pruneTaylor(net, { train, val }, reference, params, new Rng(8))
  const deleted = [...net.hidden[0]!.part].filter((p) => p === DELETED).length
  assert.ok(result.removed > 0 && deleted === result.removed)
  assert.ok(evaluateTasks(net, val)[0]! >= reference[0]! - 1)
})
