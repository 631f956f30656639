import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Rng } from '../harness/run/rng.ts'
import {
  barabasiAlbert,
  CENTRALITY_FAMILIES,
  erdosRenyi,
  generateConnected,
  isConnected,
  powerlawCluster,
  powerlawTree,
  wattsStrogatz,
} from './centrality-generators.ts'

describe('centrality-generators', () => {
  it('generateConnected() gives connected simple graphs of the asked size, deterministic per seed', () => {
    for (const f of CENTRALITY_FAMILIES) {
      const g = generateConnected(new Rng(7), f, 40)
      assert.equal(g.n, 40, f)
      assert.ok(isConnected(g), f)
      const keys = new Set(g.edges.map(([u, v]) => `${u},${v}`))
      assert.equal(keys.size, g.edges.length, `${f}: no repeated edge`)
      assert.ok(
        g.edges.every(([u, v]) => u < v && v < g.n),
        `${f}: u < v < n`,
      )
      assert.deepEqual(generateConnected(new Rng(7), f, 40), g, `${f}: same seed, same graph`)
    }
  })

  it('powerlawTree() returns a tree (n - 1 edges, connected) on n vertices', () => {
    const rng = new Rng(3)
    let trees = 0
    for (let t = 0; t < 20; t++) {
      const g = powerlawTree(rng, 50)
      if (!g) continue
      trees++
      assert.equal(g.n, 50)
      assert.equal(g.edges.length, 49)
      assert.ok(isConnected(g))
    }
    assert.ok(trees > 0)
  })

  it('edge counts follow the generators: WS keeps nk/2, BA and Holme-Kim add m per vertex', () => {
    assert.equal(wattsStrogatz(new Rng(1), 60, 4, 0.25).edges.length, 120)
    assert.equal(wattsStrogatz(new Rng(1), 60, 4, 0).edges.length, 120)
    // BA: a star on m+1 vertices, then m edges per new vertex.
    assert.equal(barabasiAlbert(new Rng(1), 50, 3).edges.length, 3 + 3 * (50 - 4))
    // Holme-Kim: m edges per vertex after the first m (without triads); a triad edge can repeat a
    // later preferential target, which networkx's add_edge then ignores, so at most that with p > 0.
    assert.equal(powerlawCluster(new Rng(1), 50, 4, 0).edges.length, 4 * (50 - 4))
    const hk = powerlawCluster(new Rng(1), 50, 4, 0.1).edges.length
    assert.ok(hk <= 4 * 46 && hk > 4 * 46 - 10, String(hk))
  })

  it('erdosRenyi() edge density is close to p', () => {
    const g = erdosRenyi(new Rng(2), 200, 0.25)
    const density = g.edges.length / ((200 * 199) / 2)
    assert.ok(Math.abs(density - 0.25) < 0.02, String(density))
  })
})
