import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { copyMean } from './embed.ts'
import { initSkipGram, sgnsUpdate, trainSkipGram } from './skipgram.ts'
import { layeredCsr } from './supra-graph.ts'
import { supraWalks } from './walks.ts'

const sig = (x: number) => 1 / (1 + Math.exp(-x))

describe('skip-gram with negative sampling', () => {
  it('sgnsUpdate() matches the hand-computed step on a 2-d toy', () => {
    // Centre 0 with u = (1, 0); context 1 with v = (0.5, 0.5) (label 1); noise 2 with v = (−1, 0).
    const input = new Float32Array([1, 0, 0, 0, 0, 0])
    const output = new Float32Array([0, 0, 0.5, 0.5, -1, 0])
    const lr = 0.1
    sgnsUpdate(input, output, 2, 0, [1, 2], [1, 0], 2, lr, new Float32Array(2))
    const g1 = lr * (1 - sig(0.5)) // 0.037754
    const g2 = lr * (0 - sig(-1)) // −0.026894
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`)
    close(input[0] as number, 1 + g1 * 0.5 + g2 * -1)
    close(input[1] as number, g1 * 0.5)
    close(output[2] as number, 0.5 + g1)
    close(output[3] as number, 0.5)
    close(output[4] as number, -1 + g2)
    close(output[5] as number, 0)
    close(g1, 0.0377541)
    close(g2, -0.0268941)
  })

  it('trainSkipGram() puts the two halves of a barbell graph apart', () => {
    // Two 5-cliques joined by one edge: same-clique cosines must exceed cross-clique ones.
    const pairs: [number, number][] = []
    for (const base of [0, 5])
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push([base + i, base + j])
    pairs.push([4, 5])
    const layer = {
      name: 'barbell',
      src: Int32Array.from(pairs, (p) => p[0]),
      dst: Int32Array.from(pairs, (p) => p[1]),
    }
    const rng = new Rng(3)
    const corpus = supraWalks(rng, layeredCsr(10, [layer]), {
      walksPerNode: 20,
      walkLength: 20,
      jump: 0,
    })
    const model = initSkipGram(rng, corpus, 8)
    trainSkipGram(rng, model, corpus, { window: 3, negatives: 5, epochs: 3, lr: 0.05 })
    const x = copyMean(model.input, 10, 1, 8)
    const cos = (a: number, b: number) => {
      let ab = 0
      let aa = 0
      let bb = 0
      for (let d = 0; d < 8; d++) {
        ab += (x[a * 8 + d] as number) * (x[b * 8 + d] as number)
        aa += (x[a * 8 + d] as number) ** 2
        bb += (x[b * 8 + d] as number) ** 2
      }
      return ab / Math.sqrt(aa * bb)
    }
    const within = (cos(0, 1) + cos(1, 2) + cos(6, 7) + cos(7, 8)) / 4
    const across = (cos(0, 6) + cos(1, 7) + cos(2, 8) + cos(3, 9)) / 4
    assert.ok(within > across + 0.3, `within ${within.toFixed(3)} vs across ${across.toFixed(3)}`)
  })

  it('node contexts give the copies of a node one output vector', () => {
    const layer = { name: 'edge', src: Int32Array.from([0]), dst: Int32Array.from([1]) }
    const corpus = supraWalks(new Rng(1), layeredCsr(2, [layer, layer, layer]), {
      walksPerNode: 2,
      walkLength: 4,
      jump: 0.5,
    })
    assert.equal(corpus.vocab, 6)
    const model = initSkipGram(new Rng(1), corpus, 4, 2)
    assert.equal(model.output.length, 2 * 4)
    assert.equal(model.input.length, 6 * 4)
  })
})
