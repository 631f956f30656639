import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateSbm, ksRatio } from './multilayer-sbm.ts'

describe('ml-sbm', () => {
  it('ksRatio() puts one default layer below detectability and three above', () => {
    const p = { k: 3, cIn: 7, cOut: 2.5 }
    assert.ok(Math.abs(ksRatio(p) - 4.5 / 6) < 1e-12)
    assert.ok(ksRatio(p, 3) > 1)
    assert.ok(Math.abs(ksRatio(p, 3) - 13.5 / (3 * Math.sqrt(12))) < 1e-12)
  })

  it('generateSbm() is deterministic, has equal blocks, mean degree ≈ c̄ = 4 and the requested layers', () => {
    const g = generateSbm(11, { layers: 4, noiseLayers: 2 })
    assert.deepEqual(g, generateSbm(11, { layers: 4, noiseLayers: 2 }))
    assert.equal(g.layers.length, 6)
    assert.deepEqual(
      [0, 1, 2].map((b) => g.labels.filter((x) => x === b).length),
      [100, 100, 100],
    )
    const degrees = g.layers.map((l) => (2 * l.src.length) / g.n)
    const meanDegree = degrees.reduce((a, b) => a + b, 0) / degrees.length
    assert.ok(Math.abs(meanDegree - 4) < 0.3, `mean degree ${meanDegree}`)
    for (const l of g.layers)
      for (let e = 0; e < l.src.length; e++) assert.ok((l.src[e] as number) < (l.dst[e] as number))
  })

  it('η = 0 makes within-block edges c_in/c_out times as likely; noise layers ignore blocks', () => {
    const g = generateSbm(2, { layers: 8, eta: 0, noiseLayers: 8 })
    const share = (from: number, to: number) => {
      let inside = 0
      let all = 0
      for (const l of g.layers.slice(from, to))
        for (let e = 0; e < l.src.length; e++) {
          all++
          if (g.labels[l.src[e] as number] === g.labels[l.dst[e] as number]) inside++
        }
      return inside / all
    }
    // Within-block pairs are ~1/3 of all pairs: share = 7 / (7 + 2·2.5) = 0.583 for the SBM
    // layers, 1/3 for the noise layers.
    assert.ok(Math.abs(share(0, 8) - 7 / 12) < 0.04, `${share(0, 8)}`)
    assert.ok(Math.abs(share(8, 16) - 1 / 3) < 0.04, `${share(8, 16)}`)
  })
})
