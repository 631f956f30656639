import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateSbm } from '../../datasets/multilayer-sbm.ts'
import { MemoryCache } from '../../harness/run/environment.ts'
import type { ArtifactCache } from '../../harness/types.ts'
import { testContext } from '../../studies/multilayer/test-context.ts'
import { SupraEmbeddingParams, supraEmbedding } from './subject.ts'

const graph = generateSbm(5, { n: 60, layers: 3 })
const dataset = { id: 'ml-sbm', name: 'ml-sbm', params: {}, data: graph }

/** One trial of the method with its own trial seed, a shared seed of 7 and the given cache. */
async function run(seed: number, cache: ArtifactCache, params: Record<string, unknown>) {
  const ctx = { ...testContext(seed, 7), cache }
  const p = SupraEmbeddingParams.parse({
    dim: 8,
    walksPerNode: 2,
    walkLength: 8,
    window: 2,
    classifierSteps: 20,
    finetuneIterations: 3,
    ...params,
  })
  return supraEmbedding.run(ctx, { params: p, dataset } as never)
}

test('sharedEmbedding starts every arm from one DeepWalk, which fine-tuning does not alter', async () => {
  // Without fine-tuning the link AUC depends on the embedding alone.
  const none = { finetune: 'none', sharedEmbedding: true }
  const cache = new MemoryCache()
  const first = await run(1, cache, none)
  // A fine-tuned arm in between works on its own copy of the cached vectors.
  await run(2, cache, { finetune: 'dec', sharedEmbedding: true })
  const again = await run(3, cache, none)
  assert.equal(again.link_auc?.value, first.link_auc?.value)
  // Alone, with a fresh cache, the same shared seed gives the same embedding.
  const alone = await run(4, new MemoryCache(), none)
  assert.equal(alone.link_auc?.value, first.link_auc?.value)
  // Every arm reports the embedding's cost, whoever made it.
  assert.ok((again.embed_s?.value as number) > 0)
  assert.ok((again.wall_s?.value as number) >= (again.embed_s?.value as number))
})

test('without sharedEmbedding each trial walks and trains its own embedding', async () => {
  const cache = new MemoryCache()
  const a = await run(1, cache, { finetune: 'none' })
  const b = await run(3, cache, { finetune: 'none' })
  assert.notEqual(a.link_auc?.value, b.link_auc?.value)
})
