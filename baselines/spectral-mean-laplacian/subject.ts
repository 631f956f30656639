/** `ml-spectral-mean-laplacian`: spectral clustering on the mean normalised Laplacian (spectral.ts). */
import { z } from 'zod'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { communityMetrics, kmeansLabels, TaskParams } from '../../studies/multilayer/tasks.ts'
import { setupTasks, toMetrics } from '../../studies/multilayer/trial.ts'
import { leadingEigenvectors, meanAdjacencyShifted, rowNormalised } from './spectral.ts'

export const SpectralParams = z.strictObject({
  ...TaskParams.shape,
  /** Subspace-iteration steps. @default 300 */
  iterations: z.number().int().min(1).default(300),
})
export type SpectralParams = z.output<typeof SpectralParams>

export const spectralMeanLaplacian: SubjectDef<SpectralParams, MultilayerGraph> = {
  name: 'ml-spectral-mean-laplacian',
  kind: 'baseline',
  description:
    'Spectral clustering (K eigenvectors, k-means) on the mean of the normalised Laplacians',
  params: SpectralParams,
  async run(ctx, { params: p, dataset }) {
    const g = dataset.data
    const setup = setupTasks(ctx, g, p)
    const start = ctx.now()
    const m = meanAdjacencyShifted(g.n, setup.train.layers)
    const v = leadingEigenvectors(ctx.rng.fork('eigen'), m, g.n, g.k, p.iterations)
    const x = rowNormalised(v, g.n, g.k)
    const { labels } = kmeansLabels(x, g.n, g.k, g.k, ctx.rng.int(2 ** 31))
    const clusterMs = ctx.now() - start
    return toMetrics({
      ...communityMetrics(setup, labels),
      cluster_s: clusterMs / 1000,
      wall_s: (ctx.now() - start) / 1000,
    })
  },
}
