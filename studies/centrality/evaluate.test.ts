import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CentralityGraph } from '../../datasets/centrality-graphs.ts'
import { toCentralityGraph } from '../../datasets/centrality-graphs.ts'
import { centralities } from '../../datasets/centrality-measures.ts'
import { Rng } from '../../harness/run/rng.ts'
import { accuracy, auc, pairLabels, pairsOf, precisionAt10, scoreGraph } from './evaluate.ts'
import { degreeScorer } from './trial.ts'

function star(n: number): CentralityGraph {
  const g = { n, edges: Array.from({ length: n - 1 }, (_, i) => [0, i + 1] as [number, number]) }
  const values = centralities(g)
  assert.ok(values)
  return toCentralityGraph('star', 'er', g, values)
}

describe('centrality evaluation', () => {
  it('pairsOf() lists every ordered pair i ≠ j, or samples max of them', () => {
    const all = pairsOf(4, new Rng(1), 100)
    assert.equal(all.I.length, 12)
    assert.ok(all.all)
    assert.ok(Array.from(all.I).every((i, k) => i !== all.J[k]))
    const some = pairsOf(100, new Rng(1), 50)
    assert.equal(some.I.length, 50)
    assert.ok(!some.all)
    assert.ok(Array.from(some.I).every((i, k) => i !== some.J[k]))
  })

  it('labels are 1[c(i) > c(j)] with ties 0 both ways; accuracy rounds at 0.5', () => {
    const y = pairLabels(
      new Float64Array([3, 1, 3]),
      new Int32Array([0, 1, 0, 2]),
      new Int32Array([1, 0, 2, 0]),
    )
    assert.deepEqual([...y], [1, 0, 0, 0])
    assert.equal(accuracy(new Float32Array([0.9, 0.2, 0.6, 0.4]), y), 0.75)
  })

  it('auc() is 1 for a perfect ranking, 0.5 for a constant score, ties count half', () => {
    const y = new Float32Array([0, 0, 1, 1])
    assert.equal(auc(new Float32Array([0.1, 0.2, 0.8, 0.9]), y), 1)
    assert.equal(auc(new Float32Array([0.5, 0.5, 0.5, 0.5]), y), 0.5)
    assert.equal(auc(new Float32Array([0.1, 0.8, 0.8, 0.9]), y), 0.875)
    assert.ok(Number.isNaN(auc(new Float32Array([0.1, 0.2]), new Float32Array([1, 1]))))
  })

  it('precisionAt10() counts vertices reaching the 10th true value', () => {
    const values = new Float64Array(20).map((_, i) => i)
    assert.equal(precisionAt10(new Float64Array(values), values), 1)
    assert.equal(
      precisionAt10(
        new Float64Array(values).map((v) => -v),
        values,
      ),
      0,
    )
  })

  it('the degree heuristic is exact on degree and on every centrality of a star', () => {
    const s = scoreGraph(star(9), degreeScorer(), new Rng(1), { maxPairs: 10000, rankRef: 8 })
    for (const c of ['degree', 'betweenness', 'closeness', 'eigenvector'] as const) {
      assert.equal(s.acc[c], 1, c)
      assert.equal(s.auc[c], 1, c)
    }
  })
})
