import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cholesky, cholSolve, matmul } from './linalg.ts'
import { greedyMatch } from './zip.ts'

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
