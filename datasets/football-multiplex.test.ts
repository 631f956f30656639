import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadFootball } from './football-multiplex.ts'
import { loadKarate, loadMiserables } from './single-layer-graphs.ts'

describe('ml-football and ml-single-layer', () => {
  it('loadFootball() makes 37 monthly layers of 116 teams in 5 leagues, July dropped', () => {
    const g = loadFootball({ layers: 37 })
    assert.equal(g.layers.length, 37)
    assert.equal(g.n, 116)
    assert.equal(g.k, 5)
    assert.equal(g.layers[0]?.name, '2013-08')
    assert.ok(g.layers.every((l) => !l.name.endsWith('-07')))
    assert.ok(g.ordered)
    // A match links two teams of the same league (no team plays in two).
    for (const l of g.layers)
      for (let e = 0; e < l.src.length; e++)
        assert.equal(g.labels[l.src[e] as number], g.labels[l.dst[e] as number])
    const sizes = g.layers.map((l) => l.src.length)
    assert.ok(Math.min(...sizes) >= 90 && Math.max(...sizes) <= 260, `${sizes}`)
  })

  it('loadFootball() keeps only the teams that play in the kept months', () => {
    const g = loadFootball({ layers: 3 })
    assert.equal(g.layers.length, 3)
    assert.ok(g.n < 116)
    const deg = new Int32Array(g.n)
    for (const l of g.layers) for (const i of [...l.src, ...l.dst]) deg[i] = (deg[i] as number) + 1
    assert.ok(deg.every((d) => d > 0))
  })

  it('karate club has 34 nodes, 78 edges, two clubs; Les Misérables 77 nodes, 254 links', () => {
    const k = loadKarate()
    assert.equal(k.n, 34)
    assert.equal(k.layers[0]?.src.length, 78)
    assert.equal(k.k, 2)
    const m = loadMiserables()
    assert.equal(m.n, 77)
    assert.equal(m.layers[0]?.src.length, 254)
    assert.ok(m.k >= 10)
  })
})
