import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { concatNets, createNet, DELETED, SHARED } from '../multitask/net.ts'
import { evaluateTasks, forward, type TaskSplit, Trainer } from '../multitask/train.ts'
import { attachGates, foldGates, GatePruneParams, pruneL1Gate } from './l1-gate.ts'

function split(n: number, seed: number): TaskSplit {
  const rng = new Rng(seed)
  const x = Float32Array.from({ length: n * 6 }, () => rng.next())
  const labels = Int32Array.from({ length: n }, (_, i) => (x[i * 6]! > x[i * 6 + 1]! ? 1 : 0))
  return { x, n, labels: [labels] }
}

function gatedNet(seed: number) {
  const net = createNet(6, [5, 4], 2, new Rng(seed))
  attachGates(net)
  const rng = new Rng(seed + 1)
  for (const layer of net.hidden)
    for (let j = 0; j < layer.outSize; j++) layer.gate![j] = 2 * rng.next() - 0.5
  return net
}

test('foldGates() leaves the outputs unchanged and removes the gates', () => {
  const net = gatedNet(1)
  const x = split(7, 2).x
  const before = forward(net, x, 7).outs[0]!
  foldGates(net)
  assert.ok(net.hidden.every((l) => l.gate === undefined))
  const after = forward(net, x, 7).outs[0]!
  for (let k = 0; k < before.length; k++) assert.ok(Math.abs(before[k]! - after[k]!) < 1e-6)
})

test('Trainer updates a gate by its loss gradient (finite differences)', () => {
  const data = split(16, 3)
  const rows = [...Array(16).keys()]
  const lr = 1e-3
  for (const [l, j] of [
    [0, 2],
    [1, 1],
  ] as const) {
    const net = gatedNet(4)
    const loss = (g: number) => {
      const copy = gatedNet(4)
      copy.hidden[l]!.gate![j] = g
      return new Trainer(copy, { lr: 0, momentum: 0, batch: 16 }).step(data, rows, false)
    }
    const g0 = net.hidden[l]!.gate![j]!
    const eps = 1e-3
    const numeric = (loss(g0 + eps) - loss(g0 - eps)) / (2 * eps)
    new Trainer(net, { lr, momentum: 0, batch: 16 }).step(data, rows)
    const analytic = (g0 - net.hidden[l]!.gate![j]!) / lr
    assert.ok(
      Math.abs(numeric - analytic) < 1e-3 * Math.max(1, Math.abs(numeric)),
      `${numeric} vs ${analytic}`,
    )
  }
})

test('the L1 proximal step drives every gate to zero under a large penalty', () => {
  const net = gatedNet(5)
  const data = split(32, 6)
  new Trainer(net, { lr: 0.1, momentum: 0, batch: 32, gateL1: 100 }).run(
    data,
    [...Array(32).keys()],
    3,
    new Rng(1),
  )
  for (const layer of net.hidden) assert.ok(layer.gate!.every((g) => g === 0))
})

test('pruneL1Gate() removes neurons within the budget and returns a net without gates', () => {
  const train = split(600, 7)
  const val = split(300, 8)
  const net = createNet(6, [16], 2, new Rng(9))
  new Trainer(net, { lr: 0.05, momentum: 0.9, batch: 32 }).run(
    train,
    [...Array(600).keys()],
    600,
    new Rng(10),
  )
  const reference = evaluateTasks(net, val)
  const params = GatePruneParams.parse({
    maxRounds: 10,
    step: 0.25,
    fineTuneSteps: 40,
    gateSteps: 100,
    gateL1: 0.01,
  })
  const result = pruneL1Gate(net, { train, val }, reference, params, new Rng(11))
  const deleted = [...net.hidden[0]!.part].filter((p) => p === DELETED).length
  assert.ok(result.removed > 0 && deleted === result.removed)
  assert.equal(net.hidden[0]!.gate, undefined)
  assert.ok(evaluateTasks(net, val)[0]! >= reference[0]! - 1)
})

test('gateL1SharedOnly shrinks only the gates of shared neurons in a merged net', () => {
  const merged = concatNets(
    [0, 1].map((t) => createNet(6, [4], 2, new Rng(20 + t))),
    (t, _l, j) => (j < 2 ? SHARED : t),
  )
  attachGates(merged)
  // No row is labelled, so the loss and its gradients are zero and only the L1 step moves a gate.
  const none = Int32Array.from({ length: 8 }, () => -1)
  const data: TaskSplit = { x: split(8, 3).x, n: 8, labels: [none, none] }
  const sgd = { lr: 0.1, momentum: 0, batch: 4, gateL1: 1, gateL1SharedOnly: true }
  new Trainer(merged, sgd).step(data, [0, 1, 2, 3])
  const layer = merged.hidden[0]!
  layer.part.forEach((p, j) => {
    assert.ok(Math.abs(layer.gate![j]! - (p === SHARED ? 0.9 : 1)) < 1e-6, `gate ${j} (part ${p})`)
  })
})
