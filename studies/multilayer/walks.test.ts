import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildAlias, drawAlias } from './alias.ts'
import { aggregateLayer, layeredCsr } from './supra-graph.ts'
import { supraWalks } from './walks.ts'

const path = { name: 'path', src: Int32Array.from([0, 1, 2]), dst: Int32Array.from([1, 2, 3]) }
const star = { name: 'star', src: Int32Array.from([0, 0, 0]), dst: Int32Array.from([1, 2, 3]) }

describe('alias tables and supra walks', () => {
  it('drawAlias() reproduces the weights (1, 2, 3, 4) within 1%', () => {
    const t = buildAlias([1, 2, 3, 4])
    const rng = new Rng(5)
    const counts = [0, 0, 0, 0]
    const draws = 200_000
    for (let i = 0; i < draws; i++) counts[drawAlias(rng, t.prob, t.alias, 0, 4)]! += 1
    counts.forEach((c, k) => {
      assert.ok(Math.abs(c / draws - (k + 1) / 10) < 0.01, `${k}: ${c / draws}`)
    })
  })

  it('supraWalks() with r = 0 stays in its layer and follows edges', () => {
    const csr = layeredCsr(4, [path, star])
    const c = supraWalks(new Rng(2), csr, { walksPerNode: 3, walkLength: 10, jump: 0 })
    assert.equal(c.walks, 8 * 3)
    for (let w = 0; w < c.walks; w++) {
      const layer = Math.floor((c.tokens[w * 10] as number) / 4)
      for (let s = 1; s < 10; s++) {
        const a = c.tokens[w * 10 + s - 1] as number
        const b = c.tokens[w * 10 + s] as number
        assert.equal(Math.floor(b / 4), layer)
        const l = layer === 0 ? path : star
        const [i, j] = [a % 4, b % 4]
        const edge = [...l.src].some(
          (x, e) => (x === i && l.dst[e] === j) || (x === j && l.dst[e] === i),
        )
        assert.ok(edge, `${i}-${j} is not an edge of ${l.name}`)
      }
    }
  })

  it("supraWalks() with r = 1 only jumps between a node's copies", () => {
    const csr = layeredCsr(4, [path, star, path])
    const c = supraWalks(new Rng(2), csr, { walksPerNode: 1, walkLength: 6, jump: 1 })
    for (let w = 0; w < c.walks; w++)
      for (let s = 1; s < 6; s++) {
        const a = c.tokens[w * 6 + s - 1] as number
        const b = c.tokens[w * 6 + s] as number
        assert.equal(a % 4, b % 4)
        assert.notEqual(Math.floor(a / 4), Math.floor(b / 4))
      }
  })

  it('aggregateLayer() weights an edge by the number of layers holding it', () => {
    const { layer, weight } = aggregateLayer({
      n: 4,
      layers: [path, star, path],
      labels: new Int32Array(4),
      k: 1,
      ordered: false,
    })
    const pairs = [...layer.src].map((s, e) => `${s}-${layer.dst[e]}:${weight[e]}`)
    assert.deepEqual(pairs, ['0-1:3', '0-2:1', '0-3:1', '1-2:2', '2-3:2'])
  })
})
