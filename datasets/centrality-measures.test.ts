import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { EdgeGraph } from './centrality-generators.ts'
import {
  betweennessCentrality,
  centralities,
  closenessCentrality,
  degreeCentrality,
  eigenvectorCentrality,
} from './centrality-measures.ts'

const path = (n: number): EdgeGraph => ({
  n,
  edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1]),
})
const star = (n: number): EdgeGraph => ({
  n,
  edges: Array.from({ length: n - 1 }, (_, i) => [0, i + 1]),
})
const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  for (const [i, x] of b.entries())
    assert.ok(Math.abs((a[i] as number) - x) < tol, `${i}: ${a[i]} vs ${x}`)
}

describe('centrality-measures', () => {
  it('a star: the hub has degree n-1, betweenness 1, closeness 1; leaves 0 and 1/(2-1/(n-1))', () => {
    const g = star(5)
    close(degreeCentrality(g), [4, 1, 1, 1, 1])
    close(betweennessCentrality(g), [1, 0, 0, 0, 0])
    // leaf: distances 1 (hub) + 2·3 (other leaves) = 7, closeness (n-1)/7 = 4/7
    close(closenessCentrality(g), [1, 4 / 7, 4 / 7, 4 / 7, 4 / 7])
  })

  it('a path of 5: betweenness 0, 3/6, 4/6, 3/6, 0 (normalised by (n-1)(n-2)/2); closeness 4/Σd', () => {
    const g = path(5)
    close(betweennessCentrality(g), [0, 0.5, 4 / 6, 0.5, 0])
    close(closenessCentrality(g), [4 / 10, 4 / 7, 4 / 6, 4 / 7, 4 / 10])
  })

  it('eigenvector centrality on A+I converges on a bipartite star and matches the closed form', () => {
    // Star K_{1,4}: leading eigenvector of A has hub/leaf ratio √4 = 2 (A+I shares it).
    const x = eigenvectorCentrality(star(5), 1000, 1e-10)
    assert.ok(x)
    const norm = Math.sqrt(4 + 4)
    close(x, [2 / norm, 1 / norm, 1 / norm, 1 / norm, 1 / norm], 1e-5)
  })

  it('eigenvector centrality reports non-convergence as undefined', () => {
    assert.equal(eigenvectorCentrality(path(60), 3), undefined)
    assert.ok(centralities(path(6)))
  })
})
