/**
 * DeepWalk on a (supra) graph: walks, then skip-gram; and the node-level vectors of a supra
 * embedding (the mean of a node's layer copies, or their concatenation as an ablation).
 */
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import { initSkipGram, type SkipGramModel, trainSkipGram } from './skipgram.ts'
import type { LayeredCsr } from './supra-graph.ts'
import { supraWalks, type WalkCorpus } from './walks.ts'

export const EmbedParams = z.strictObject({
  /** Embedding dimension d. @default 32 */
  dim: z.number().int().min(2).default(32),
  /** Walks per state node γ. @default 10 */
  walksPerNode: z.number().int().min(1).default(10),
  /** Walk length t. @default 40 */
  walkLength: z.number().int().min(2).default(40),
  /** Skip-gram window w (drawn uniformly in 1..w per token). @default 5 */
  window: z.number().int().min(1).default(5),
  /** Noise samples per pair. @default 5 */
  negatives: z.number().int().min(1).default(5),
  /** Passes over the walk corpus. @default 1 */
  epochs: z.number().int().min(1).default(1),
  /** Initial learning rate (linear decay). @default 0.025 */
  lr: z.number().positive().default(0.025),
})
export type EmbedParams = z.output<typeof EmbedParams>

export interface DeepWalkResult {
  model: SkipGramModel
  corpus: WalkCorpus
  walkMs: number
  skipGramMs: number
  pairs: number
}

/** Walks on `csr` with layer-jump `jump`, then skip-gram; timed with `now`. */
export function deepWalk(
  rng: Rng,
  now: () => number,
  csr: LayeredCsr,
  p: EmbedParams,
  jump: number,
  /** Output vectors per state (plain DeepWalk on the supra graph) or per node (shared). */
  context: 'state' | 'node' = 'state',
): DeepWalkResult {
  const t0 = now()
  const corpus = supraWalks(rng.fork('walks'), csr, {
    walksPerNode: p.walksPerNode,
    walkLength: p.walkLength,
    jump,
  })
  const t1 = now()
  const sgRng = rng.fork('skip-gram')
  const model = initSkipGram(sgRng, corpus, p.dim, context === 'node' ? csr.n : corpus.vocab)
  const pairs = trainSkipGram(sgRng, model, corpus, p)
  return { model, corpus, walkMs: t1 - t0, skipGramMs: now() - t1, pairs }
}

/** Node vectors (n × dim): the mean of each node's L copies. */
export function copyMean(
  input: Float32Array,
  n: number,
  layers: number,
  dim: number,
): Float32Array {
  const x = new Float32Array(n * dim)
  for (let l = 0; l < layers; l++)
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++)
        x[i * dim + d] =
          (x[i * dim + d] as number) + (input[(l * n + i) * dim + d] as number) / layers
  return x
}

/** Node vectors (n × L·dim): the copies side by side, layer by layer. */
export function copyConcat(
  input: Float32Array,
  n: number,
  layers: number,
  dim: number,
): Float32Array {
  const x = new Float32Array(n * layers * dim)
  for (let i = 0; i < n; i++)
    for (let l = 0; l < layers; l++)
      x.set(input.subarray((l * n + i) * dim, (l * n + i + 1) * dim), (i * layers + l) * dim)
  return x
}
