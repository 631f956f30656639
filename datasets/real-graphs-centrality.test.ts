import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isConnected } from './centrality-generators.ts'
import { fromLabelledEdges, loadRealCentralityGraph } from './real-graphs-centrality.ts'

describe('real-graphs-centrality', () => {
  it('karate club: 34 vertices, 78 edges; Les Misérables: 77 vertices, 254 edges', () => {
    const k = loadRealCentralityGraph('karate')
    assert.equal(k.n, 34)
    assert.equal(k.edges.length, 78)
    const l = loadRealCentralityGraph('lesmis')
    assert.equal(l.n, 77)
    assert.equal(l.edges.length, 254)
  })

  it('countries and airports are connected largest components', () => {
    for (const name of ['countries', 'airports'] as const) {
      const g = loadRealCentralityGraph(name)
      assert.ok(g.n > 100, `${name}: ${g.n}`)
      assert.ok(isConnected(g), name)
    }
  })

  it('fromLabelledEdges() drops loops and repeats and keeps the largest component', () => {
    const g = fromLabelledEdges([
      ['a', 'b'],
      ['b', 'a'],
      ['b', 'c'],
      ['c', 'c'],
      ['x', 'y'],
    ])
    assert.equal(g.n, 3)
    assert.deepEqual(g.edges, [
      [0, 1],
      [1, 2],
    ])
  })
})
