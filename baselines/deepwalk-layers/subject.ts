/**
 * `ml-deepwalk`: the single- and multi-layer DeepWalk baselines, sharing the method's walks and
 * skip-gram (studies/multilayer/embed.ts) and its evaluation.
 *
 *   per-layer: DeepWalk on each layer alone; every task is scored per layer's embedding (the
 *              layer's own vectors score its held-out links) and the scores are averaged
 *   aggregate: DeepWalk on the union of the layers, edge weight = number of layers (alias-drawn
 *              steps); PMNE's "network aggregation"
 *   concat:    the per-layer embeddings side by side (n × L·d); PMNE's "results aggregation"
 */
import { z } from 'zod'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import { Rng } from '../../harness/run/rng.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { deepWalk, EmbedParams } from '../../studies/multilayer/embed.ts'
import { aggregateCsr, layeredCsr } from '../../studies/multilayer/supra-graph.ts'
import { cosine, linkMetrics, TaskParams, type TaskSetup } from '../../studies/multilayer/tasks.ts'
import {
  averageMetrics,
  evaluateVectors,
  setupTasks,
  toMetrics,
} from '../../studies/multilayer/trial.ts'

export const DeepWalkLayersParams = z.strictObject({
  ...EmbedParams.shape,
  ...TaskParams.shape,
  mode: z.enum(['per-layer', 'aggregate', 'concat']).default('aggregate'),
})
export type DeepWalkLayersParams = z.output<typeof DeepWalkLayersParams>

export const deepWalkLayers: SubjectDef<DeepWalkLayersParams, MultilayerGraph> = {
  name: 'ml-deepwalk',
  kind: 'baseline',
  description:
    'DeepWalk per layer (scores averaged), on the aggregate graph, or per layer concatenated',
  params: DeepWalkLayersParams,
  async run(ctx, { params: p, dataset }) {
    const g = dataset.data
    const setup = setupTasks(ctx, g, p)
    const { n } = g
    const start = ctx.now()
    let walkMs = 0
    let sgMs = 0
    let walks = 0
    let pairs = 0
    const embed = (rng: Rng, label: string, csr: ReturnType<typeof layeredCsr>) => {
      const dw = deepWalk(rng.fork(label), () => ctx.now(), csr, p, 0)
      walkMs += dw.walkMs
      sgMs += dw.skipGramMs
      walks += dw.corpus.walks
      pairs += dw.pairs
      return dw.model.input
    }
    let scores: Record<string, number>
    if (p.mode === 'aggregate') {
      const x = embed(ctx.rng, 'aggregate', aggregateCsr(setup.train))
      scores = evaluateVectors(ctx, setup, x, p.dim, (_l, i, j) => cosine(x, p.dim, i, j))
    } else {
      // per-layer and concat embed the same layers: the artifact cache trains them once per
      // dataset point and repetition (the rng then comes from the shared seed).
      const perLayer = await ctx.cache
        .getOrCreate(
          {
            what: 'ml-deepwalk-layers',
            sharedSeed: ctx.sharedSeed,
            layers: setup.train.layers.map((l) => [l.name, l.src.length]),
            n,
            embed: EmbedParams.parse(
              Object.fromEntries(
                Object.keys(EmbedParams.shape).map((k) => [k, p[k as keyof typeof p]]),
              ),
            ),
          },
          async () => {
            const rng = new Rng(ctx.sharedSeed)
            const before = { walkMs, sgMs, walks, pairs }
            const vectors = setup.train.layers.map((layer, l) =>
              embed(rng, `layer-${l}`, layeredCsr(n, [layer])),
            )
            const cost = {
              walkMs: walkMs - before.walkMs,
              sgMs: sgMs - before.sgMs,
              walks: walks - before.walks,
              pairs: pairs - before.pairs,
            }
            return { vectors, cost }
          },
        )
        .then((cached) => {
          // A cached embedding still reports what it cost to make.
          ;({ walkMs, sgMs, walks, pairs } = cached.cost)
          return cached.vectors
        })
      if (p.mode === 'per-layer') {
        scores = averageMetrics(
          perLayer.map((x, l) => {
            const s = evaluateVectors(ctx, setup, x, p.dim)
            // The layer's own vectors score its own held-out links.
            const pos = setup.positives[l] as Int32Array
            if (pos.length > 0) {
              const one = {
                ...setup,
                positives: [pos],
                negatives: [setup.negatives[l] as Int32Array],
              }
              s.link_auc = linkAuc(one, x, p.dim)
            }
            return s
          }),
        )
      } else {
        const L = perLayer.length
        const width = L * p.dim
        const x = new Float32Array(n * width)
        perLayer.forEach((v, l) => {
          for (let i = 0; i < n; i++)
            x.set(v.subarray(i * p.dim, (i + 1) * p.dim), i * width + l * p.dim)
        })
        scores = evaluateVectors(ctx, setup, x, width, (_l, i, j) => cosine(x, width, i, j))
      }
    }
    return toMetrics({
      ...scores,
      embed_s: (walkMs + sgMs) / 1000,
      walk_s: walkMs / 1000,
      skipgram_s: sgMs / 1000,
      walks_per_s: walks / (walkMs / 1000),
      pairs_per_s: pairs / (sgMs / 1000),
      wall_s: (ctx.now() - start) / 1000,
    })
  },
}

function linkAuc(setup: TaskSetup, x: Float32Array, dim: number): number {
  return linkMetrics(setup, (_l, i, j) => cosine(x, dim, i, j)).link_auc ?? Number.NaN
}
