import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { createNet, DELETED, SHARED } from '../../models/multitask/net.ts'
import { diagnoseNet, diagnosisRows, layerConditions } from './diagnosis.ts'

test('layerConditions() counts leaking, multi-task and uninformative neurons by hand', () => {
  // Neurons: 0 shared (A, B), 1 shared (A only), 2 task A (A, B: leaks), 3 task A (A),
  // 4 task B (none). Threshold 0.05.
  const part = [SHARED, SHARED, 0, 0, 1]
  const mi = [
    [0.3, 0.2, 0.4, 0.1, 0.01],
    [0.2, 0.0, 0.1, 0.02, 0.03],
  ]
  const joint = new Map<string, number>()
  const c = layerConditions(part, mi, 0.05, (t, s, members) => {
    joint.set(`${t}${s}`, members.length)
    return t === 0 ? 0.7 : 0.1
  })
  assert.equal(c.c1Leak, 1 / 3)
  assert.equal(c.c2Multi, 1 / 2)
  assert.equal(c.c3None, 1 / 5)
  assert.equal(c.c1Mi, 0.7)
  assert.deepEqual(
    [...joint],
    [
      ['01', 2],
      ['10', 1],
    ],
  )
  assert.equal(c.alive, 5)
})

test('layerConditions() gives 0 for partitions that are empty', () => {
  // One shared neuron, informative for A only: no task-specific partition to leak.
  const c = layerConditions([SHARED], [[0.3], [0]], 0.05, () => 1)
  assert.deepEqual(c, { c1Mi: 0, c1Leak: 0, c2Multi: 0, c3None: 0, alive: 1 })
})

test('diagnoseNet() finds a dead layer uninformative and skips deleted neurons', () => {
  const rng = new Rng(3)
  const net = createNet(4, [3], 2, rng)
  net.hidden[0]!.w.fill(0)
  net.hidden[0]!.b.fill(-1) // every ReLU output is 0
  net.hidden[0]!.part[2] = DELETED
  const n = 20
  const split = {
    x: Float32Array.from({ length: n * 4 }, () => rng.next()),
    n,
    labels: [Int32Array.from({ length: n }, (_, i) => i % 2)],
  }
  const [layer] = diagnoseNet(net, split, diagnosisRows(split, 10), [2])
  assert.equal(layer!.alive, 2)
  assert.equal(layer!.c3None, 1)
})

test('diagnosisRows() spreads evenly over the labelled rows', () => {
  const split = { x: new Float32Array(0), n: 6, labels: [Int32Array.from([0, -1, 1, 0, -1, 1])] }
  assert.deepEqual(diagnosisRows(split, 2), [0, 3])
  assert.deepEqual(diagnosisRows(split, 10), [0, 2, 3, 5])
})
