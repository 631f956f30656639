import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { buildAlias } from '../../studies/multilayer/alias.ts'
import { EmbedParams } from '../../studies/multilayer/embed.ts'
import type { SkipGramModel } from '../../studies/multilayer/skipgram.ts'
import { finetune } from './finetune.ts'

/** tr(S_w)/tr(S_t) of the node means for the planted halves (nodes < n/2 vs the rest). */
function traceRatio(input: Float32Array, n: number, layers: number, dim: number): number {
  const x = Array.from({ length: n }, (_, i) =>
    Array.from({ length: dim }, (_, d) => {
      let s = 0
      for (let l = 0; l < layers; l++) s += input[(l * n + i) * dim + d] as number
      return s / layers
    }),
  )
  const centre = (rows: number[][]) =>
    Array.from(
      { length: dim },
      (_, d) => rows.reduce((a, r) => a + (r[d] as number), 0) / rows.length,
    )
  const spread = (rows: number[][], c: number[]) =>
    rows.reduce((a, r) => a + r.reduce((b, v, d) => b + (v - (c[d] as number)) ** 2, 0), 0)
  const halves = [x.slice(0, n / 2), x.slice(n / 2)]
  return halves.reduce((a, h) => a + spread(h, centre(h)), 0) / spread(x, centre(x))
}

function toyModel(n: number, layers: number, dim: number): SkipGramModel {
  const rng = new Rng(9)
  const input = new Float32Array(n * layers * dim)
  for (let l = 0; l < layers; l++)
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++)
        input[(l * n + i) * dim + d] = (d === 0 ? (i < n / 2 ? 1 : -1) : 0) + rng.normal()
  return {
    dim,
    vocab: n * layers,
    contexts: n,
    input,
    output: new Float32Array(n * dim),
    noise: buildAlias([1]),
  }
}

describe('cohesion fine-tuning', () => {
  const corpus = { tokens: new Int32Array(0), walkLength: 2, walks: 0, vocab: 0 }
  for (const loss of ['dec', 'kmeans'] as const)
    it(`finetune(${loss}) tightens two noisy clusters (lower within/total scatter)`, () => {
      const [n, L, dim] = [40, 2, 4]
      const model = toyModel(n, L, dim)
      const before = traceRatio(model.input, n, L, dim)
      finetune(
        new Rng(1),
        model,
        corpus,
        n,
        L,
        2,
        { loss, iterations: 20, step: 0.1, anchor: 0 },
        EmbedParams.parse({}),
      )
      const after = traceRatio(model.input, n, L, dim)
      assert.ok(after < before - 0.05, `${loss}: ${before.toFixed(3)} -> ${after.toFixed(3)}`)
    })

  it('finetune(none) leaves the embedding untouched', () => {
    const model = toyModel(10, 2, 3)
    const copy = Float32Array.from(model.input)
    finetune(
      new Rng(1),
      model,
      corpus,
      10,
      2,
      2,
      { loss: 'none', iterations: 5, step: 0.1, anchor: 0 },
      EmbedParams.parse({}),
    )
    assert.deepEqual(model.input, copy)
  })
})
