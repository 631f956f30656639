import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildKinshipKb } from '../../datasets/kinship-kb.ts'
import { Rng } from '../../harness/run/rng.ts'
import { EmbeddingModel, EmbeddingParams, trainEmbedding } from './embedding-model.ts'
import { evaluateKb } from './evaluate.ts'

for (const kind of ['distmult', 'complex'] as const) {
  test(`${kind}: backward() matches finite differences of score()`, () => {
    const m = new EmbeddingModel(kind, 5, 3, 6, new Rng(1))
    const gE = new Float32Array(m.E.length)
    const gR = new Float32Array(m.R.length)
    m.backward(2, 1, 3, 1, gE, gR)
    for (const [P, G] of [
      [m.E, gE],
      [m.R, gR],
    ] as const)
      for (let i = 0; i < P.length; i++) {
        const w = P[i] as number
        P[i] = w + 1e-2
        const up = m.score(2, 1, 3)
        P[i] = w - 1e-2
        const down = m.score(2, 1, 3)
        P[i] = w
        assert.ok(Math.abs((up - down) / 2e-2 - (G[i] as number)) < 1e-4)
      }
    const all = m.candidates(2, 1, 'object')
    assert.ok(Math.abs((all[3] as number) - m.score(2, 1, 3)) < 1e-12)
  })
}

test('ComplEx learns the small kinship KB well above chance', () => {
  const kb = buildKinshipKb(2, {
    facts: 400,
    generations: 3,
    testShare: 0.1,
    devShare: 0.1,
    instances: 2,
  })
  const params = EmbeddingParams.parse({ dim: 32, epochs: 40, negatives: 3 })
  const { model } = trainEmbedding(kb, 'complex', params, new Rng(3), () => 0)
  const q = evaluateKb(
    kb,
    {
      triple: (p, s, o) => model.score(p, s, o),
      candidates: (p, f, at) => model.candidates(p, f, at),
    },
    100,
    new Rng(4),
  )
  assert.ok((q.mrr as number) > 5 / kb.entities.length, `mrr ${q.mrr}`)
})
