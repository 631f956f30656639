import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { leadingEigenvectors, meanAdjacencyShifted } from './spectral.ts'

describe('mean-Laplacian spectral clustering', () => {
  it('meanAdjacencyShifted() of one edge is I + the normalised adjacency', () => {
    const m = meanAdjacencyShifted(2, [
      { name: 'e', src: Int32Array.from([0]), dst: Int32Array.from([1]) },
    ])
    assert.deepEqual([...m], [1, 1, 1, 1])
  })

  it('leadingEigenvectors() recovers [1, 1]/√2 and the indicator space of two cliques', () => {
    const v = leadingEigenvectors(new Rng(1), Float64Array.from([2, 1, 1, 2]), 2, 1)
    assert.ok(Math.abs(Math.abs(v[0] as number) - Math.SQRT1_2) < 1e-6)
    assert.ok(Math.abs((v[0] as number) - (v[1] as number)) < 1e-6)
    // Two disjoint triangles: the top-2 space is spanned by the two indicators, so rows of the
    // same triangle are equal and rows of different triangles are orthogonal.
    const tri = {
      name: 't',
      src: Int32Array.from([0, 0, 1, 3, 3, 4]),
      dst: Int32Array.from([1, 2, 2, 4, 5, 5]),
    }
    const q = leadingEigenvectors(new Rng(2), meanAdjacencyShifted(6, [tri, tri]), 6, 2)
    const row = (i: number) => [q[2 * i] as number, q[2 * i + 1] as number]
    const dot = (a: number[], b: number[]) =>
      (a[0] as number) * (b[0] as number) + (a[1] as number) * (b[1] as number)
    assert.ok(Math.abs(dot(row(0), row(1)) - dot(row(0), row(0))) < 1e-6)
    assert.ok(Math.abs(dot(row(0), row(4))) < 1e-6)
  })
})
