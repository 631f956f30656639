/**
 * `multilayer-embedding`: DeepWalk on the supra graph of a multiplex (walks that stay in a layer
 * or jump to the node's copy in another layer with probability r), then cohesion fine-tuning.
 *
 *   1. split:     the shared link-prediction split (studies/multilayer/tasks.ts)
 *   2. embed:     uniform supra walks + skip-gram → one vector per (node, layer) copy
 *   3. before:    k-means on the node vectors (mean of the copies): nmi_pre, modularity_pre
 *   4. fine-tune: DEC or trace-ratio k-means with a skip-gram anchor (finetune.ts)
 *   5. evaluate:  node vectors (mean, or concatenation as the ablation) on the three tasks;
 *                 link scores are cosines of the layer's own copies
 */
import { z } from 'zod'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import { Rng } from '../../harness/run/rng.ts'
import type { SubjectDef } from '../../harness/types.ts'
import {
  copyConcat,
  copyMean,
  type DeepWalkResult,
  deepWalk,
  EmbedParams,
} from '../../studies/multilayer/embed.ts'
import { multiplexCsr } from '../../studies/multilayer/supra-graph.ts'
import {
  communityMetrics,
  cosine,
  kmeansLabels,
  TaskParams,
} from '../../studies/multilayer/tasks.ts'
import { evaluateVectors, setupTasks, toMetrics, unitRows } from '../../studies/multilayer/trial.ts'
import { finetune } from './finetune.ts'

export const SupraEmbeddingParams = z.strictObject({
  ...EmbedParams.shape,
  ...TaskParams.shape,
  /** Layer-jump probability r of the supra walk. @default 0.3 */
  jump: z.number().min(0).max(1).default(0.3),
  /**
   * Skip-gram contexts: one output vector per (node, layer) state — DeepWalk on the supra graph
   * as is — or one per node, shared by its copies (the copies then live in one space). @default 'state'
   */
  context: z.enum(['state', 'node']).default('state'),
  /** Node vector: mean of the layer copies, or their concatenation (ablation). @default 'mean' */
  combine: z.enum(['mean', 'concat']).default('mean'),
  /** Cohesion loss of the fine-tuning, or none. @default 'dec' */
  finetune: z.enum(['none', 'dec', 'kmeans']).default('dec'),
  /** Fine-tuning iterations. @default 20 */
  finetuneIterations: z.number().int().min(1).default(20),
  /** Fine-tuning step size η. @default 0.1 */
  finetuneStep: z.number().positive().default(0.1),
  /** Skip-gram anchor during fine-tuning: fraction of one corpus epoch. @default 0.2 */
  anchor: z.number().min(0).default(0.2),
  /**
   * Train the supra DeepWalk once per dataset point and repetition (seeded by the shared seed)
   * and start every arm with these walk and skip-gram settings from a copy of it, instead of
   * one DeepWalk per trial; the arms' comparison is then paired, and each arm still reports the
   * embedding's cost in embed_s and wall_s. Optional (absent = false) so that leaving it out
   * keeps the trial keys, and so the seeds, of the runs made before it existed. @default false
   */
  sharedEmbedding: z.boolean().optional(),
})
export type SupraEmbeddingParams = z.output<typeof SupraEmbeddingParams>

export const supraEmbedding: SubjectDef<SupraEmbeddingParams, MultilayerGraph> = {
  name: 'multilayer-embedding',
  kind: 'method',
  description:
    'DeepWalk on the supra graph (layer-jump walks) + cohesion fine-tuning (DEC or discriminative k-means)',
  params: SupraEmbeddingParams,
  async run(ctx, { params: p, dataset }) {
    const g = dataset.data
    const setup = setupTasks(ctx, g, p)
    const { n } = g
    const L = g.layers.length
    const start = ctx.now()
    const walk = (rng: Rng) =>
      deepWalk(
        rng.fork('deepwalk'),
        () => ctx.now(),
        multiplexCsr(setup.train),
        p,
        p.jump,
        p.context,
      )
    let dw: DeepWalkResult
    // Time not spent on this trial's own work: looking up (or making) the shared embedding; its
    // recorded cost is added back below, so wall_s does not depend on which arm made it.
    let lookupMs = 0
    if (p.sharedEmbedding) {
      const t = ctx.now()
      const shared = await ctx.cache.getOrCreate(
        {
          what: 'multilayer-supra-deepwalk',
          sharedSeed: ctx.sharedSeed,
          layers: setup.train.layers.map((l) => [l.name, l.src.length]),
          n,
          embed: EmbedParams.parse(
            Object.fromEntries(
              Object.keys(EmbedParams.shape).map((k) => [k, p[k as keyof typeof p]]),
            ),
          ),
          jump: p.jump,
          context: p.context,
        },
        async () => walk(new Rng(ctx.sharedSeed)),
      )
      lookupMs = ctx.now() - t
      // Fine-tuning moves the vectors in place: every arm works on its own copy.
      dw = {
        ...shared,
        model: {
          ...shared.model,
          input: Float32Array.from(shared.model.input),
          output: Float32Array.from(shared.model.output),
        },
      }
    } else dw = walk(ctx.rng)
    const { dim, input } = dw.model
    const vectors = () =>
      p.combine === 'mean' ? copyMean(input, n, L, dim) : copyConcat(input, n, L, dim)
    const width = p.combine === 'mean' ? dim : L * dim
    const values: Record<string, number> = {}
    let finetuneMs = 0
    if (p.finetune !== 'none') {
      const before = kmeansLabels(unitRows(vectors(), width), n, width, g.k, ctx.rng.int(2 ** 31))
      const pre = communityMetrics(setup, before.labels)
      values.nmi_pre = pre.nmi
      values.modularity_pre = pre.modularity
      const t0 = ctx.now()
      const trace = finetune(
        ctx.rng.fork('finetune'),
        dw.model,
        dw.corpus,
        n,
        L,
        g.k,
        {
          loss: p.finetune,
          iterations: p.finetuneIterations,
          step: p.finetuneStep,
          anchor: p.anchor,
        },
        p,
      )
      finetuneMs = ctx.now() - t0
      values.cohesion_loss_start = trace.before
      values.cohesion_loss = trace.after
    }
    const embedMs = dw.walkMs + dw.skipGramMs + finetuneMs
    ctx.annotate('finetune', p.finetune)
    const scores = evaluateVectors(ctx, setup, vectors(), width, (l, i, j) =>
      cosine(input, dim, l * n + i, l * n + j),
    )
    if (values.modularity_pre !== undefined && scores.modularity !== undefined)
      values.modularity_gain = scores.modularity - values.modularity_pre
    return toMetrics({
      ...scores,
      ...values,
      embed_s: embedMs / 1000,
      walk_s: dw.walkMs / 1000,
      skipgram_s: dw.skipGramMs / 1000,
      finetune_s: finetuneMs / 1000,
      walks_per_s: dw.corpus.walks / (dw.walkMs / 1000),
      pairs_per_s: dw.pairs / (dw.skipGramMs / 1000),
      wall_s:
        (ctx.now() - start - lookupMs + (p.sharedEmbedding ? dw.walkMs + dw.skipGramMs : 0)) / 1000,
    })
  },
}
