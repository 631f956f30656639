import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildNet, DELETED, type MultiNet, type NetSpec } from '../multitask/net.ts'
import { evaluateTasks, type TaskSplit, Trainer } from '../multitask/train.ts'
import { GatePruneParams, pruneL1Gate } from './l1-gate.ts'
import { pruneTaylor, TaylorPruneParams } from './taylor.ts'

// 8×8 images; class 1 when the left half is brighter than the right half.
function split(n: number, seed: number): TaskSplit {
  const rng = new Rng(seed)
  const x = Float32Array.from({ length: n * 64 }, () => rng.next())
  const labels = Int32Array.from({ length: n }, (_, i) => {
    let d = 0
    for (let k = 0; k < 64; k++) d += (k % 8 < 4 ? 1 : -1) * x[i * 64 + k]!
    return d > 0 ? 1 : 0
  })
  return { x, n, labels: [labels] }
}
const spec: NetSpec = {
  input: { height: 8, width: 8, channels: 1 },
  conv: [{ channels: 6, kernel: 3, pool: true }],
  dense: [6],
}
const train = split(400, 1)
const val = split(200, 2)
function trained(): MultiNet {
  const net = buildNet(spec, 2, new Rng(3))
  new Trainer(net, { lr: 0.02, momentum: 0.9, batch: 32 }).run(
    train,
    [...Array(400).keys()],
    800,
    new Rng(4),
  )
  // The task is learnt, so the budget is a real constraint.
  assert.ok(evaluateTasks(net, val)[0]! > 85, `trained to ${evaluateTasks(net, val)[0]}`)
  return net
}
const deletedChannels = (net: MultiNet) =>
  [...net.hidden[0]!.part].filter((p) => p === DELETED).length

test('pruneTaylor() prunes conv channels within the accuracy budget', () => {
  const net = trained()
  const reference = evaluateTasks(net, val)
  const params = TaylorPruneParams.parse({ maxRounds: 8, step: 0.3, fineTuneSteps: 30 })
  pruneTaylor(net, { train, val }, reference, params, new Rng(5))
  assert.ok(deletedChannels(net) > 0, 'some conv channel deleted')
  assert.ok(evaluateTasks(net, val)[0]! >= reference[0]! - 1)
})

test('pruneL1Gate() prunes conv channels within the budget and folds the gates', () => {
  const net = trained()
  const reference = evaluateTasks(net, val)
  const params = GatePruneParams.parse({
    maxRounds: 8,
    step: 0.3,
    fineTuneSteps: 30,
    gateSteps: 60,
    gateL1: 0.01,
  })
  pruneL1Gate(net, { train, val }, reference, params, new Rng(6))
  assert.ok(deletedChannels(net) > 0, 'some conv channel deleted')
  assert.equal(net.hidden[0]!.gate, undefined)
  assert.ok(evaluateTasks(net, val)[0]! >= reference[0]! - 1)
})
