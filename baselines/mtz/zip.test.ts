import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildNet, cloneNet, concatNets, type NetSpec, SHARED } from '../../models/multitask/net.ts'
import { forward, type TaskSplit } from '../../models/multitask/train.ts'
import { cholesky, cholSolve, matmul } from './linalg.ts'
import { greedyMatch, mtzZip } from './zip.ts'

test('greedyMatch() takes the cheapest unused pairs first', () => {
  // cost[i][j]: (0,1) = 0 is cheapest, then (1,0) = 1; (0,0) = 2 loses to them.
  const cost = Float64Array.from([2, 0, 1, 5])
  assert.deepEqual([...greedyMatch(cost, 2)], [1, 0])
})

test('cholSolve() inverts a known SPD system', () => {
  const a = Float64Array.from([4, 2, 2, 3])
  const x = cholSolve(cholesky(a, 2), Float64Array.from([1, 2]), 2, 1)
  // [4 2; 2 3]^-1 [1; 2] = [-0.125; 0.75]
  assert.ok(Math.abs(x[0]! + 0.125) < 1e-12 && Math.abs(x[1]! - 0.75) < 1e-12)
  const back = matmul(a, x, 2, 2, 1)
  assert.ok(Math.abs(back[0]! - 1) < 1e-12 && Math.abs(back[1]! - 2) < 1e-12)
})

test("the n-way merge (ΣH)⁻¹ΣH·w equals the paper's two-net formula", () => {
  const ha = Float64Array.from([2, 0.5, 0.5, 1])
  const hb = Float64Array.from([1, -0.2, -0.2, 3])
  const wa = Float64Array.from([1, -1])
  const wb = Float64Array.from([0.5, 2])
  const sum = ha.map((v, k) => v + hb[k]!)
  const rhs = matmul(ha, wa, 2, 2, 1).map((v, k) => v + matmul(hb, wb, 2, 2, 1)[k]!)
  const nway = cholSolve(cholesky(sum, 2), rhs, 2, 1)
  // w_A + H_A⁻¹ (H_A⁻¹ + H_B⁻¹)⁻¹ (w_B − w_A)
  const inv = (h: Float64Array) => {
    const det = h[0]! * h[3]! - h[1]! * h[2]!
    return Float64Array.from([h[3]! / det, -h[1]! / det, -h[2]! / det, h[0]! / det])
  }
  const p = inv(inv(ha).map((v, k) => v + inv(hb)[k]!))
  const step = matmul(
    inv(ha),
    matmul(
      p,
      wb.map((v, k) => v - wa[k]!),
      2,
      2,
      1,
    ),
    2,
    2,
    1,
  )
  const paper = wa.map((v, k) => v + step[k]!)
  for (const [k, v] of nway.entries()) assert.ok(Math.abs(v - paper[k]!) < 1e-12)
})

test('mtzZip() of two copies of a conv net gives that net back, one shared trunk', () => {
  const spec: NetSpec = {
    input: { height: 6, width: 6, channels: 1 },
    conv: [
      { channels: 3, kernel: 3, pool: true },
      { channels: 4, kernel: 3, pool: false },
    ],
    dense: [5],
  }
  const one = buildNet(spec, 2, new Rng(1))
  const net = concatNets([cloneNet(one), cloneNet(one)])
  const rng = new Rng(2)
  const n = 30
  const train: TaskSplit = {
    x: Float32Array.from({ length: n * 36 }, () => rng.next()),
    n,
    labels: [0, 1].map(() => Int32Array.from({ length: n }, (_, i) => i % 2)),
  }
  const opts = { hessianSamples: 20, damping: 0.01, fineTuneSteps: 0, lr: 0.01, batch: 8 }
  mtzZip(net, train, opts, new Rng(3))
  assert.deepEqual(
    net.hidden.map((l) => [l.outSize, l.part.every((p) => p === SHARED)]),
    [
      [3, true],
      [4, true],
      [5, true],
    ],
  )
  // conv2 reads 3 zipped channels: its Hessian is over 3·3·3 + 1 = 28 patch values.
  assert.equal(net.hidden[1]!.inSize, 27)
  const x = train.x.subarray(0, 5 * 36)
  const ref = forward(one, x, 5).outs[0]!
  for (const out of forward(net, x, 5).outs)
    for (const [i, v] of out.entries()) assert.ok(Math.abs(v - ref[i]!) < 1e-4, `${v} vs ${ref[i]}`)
})
