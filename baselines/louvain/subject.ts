/**
 * `ml-louvain`: Louvain (graphology-communities-louvain), the modularity optimiser the method's
 * partitions are compared with, on the aggregate graph (edge weight = number of layers) or on
 * the supra graph (the layers' copies joined by coupling edges of weight ω: all pairs of layers
 * for a multiplex, consecutive layers for time). A node's community on the supra graph is the
 * most common one of its copies that have edges (ties to the lowest layer).
 */
import { createRequire } from 'node:module'
import { UndirectedGraph } from 'graphology'
import { z } from 'zod'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { aggregateLayer } from '../../studies/multilayer/supra-graph.ts'
import { communityMetrics, TaskParams } from '../../studies/multilayer/tasks.ts'
import { setupTasks, toMetrics } from '../../studies/multilayer/trial.ts'

// graphology-communities-louvain is CommonJS: its default export is module.exports itself.
const louvain = createRequire(import.meta.url)('graphology-communities-louvain') as (
  graph: UndirectedGraph,
  options: { getEdgeWeight: string; rng: () => number },
) => Record<string, number>

export const LouvainParams = z.strictObject({
  ...TaskParams.shape,
  graph: z.enum(['aggregate', 'supra']).default('aggregate'),
  /** Coupling weight ω between a node's copies on the supra graph. @default 1 */
  omega: z.number().positive().default(1),
})
export type LouvainParams = z.output<typeof LouvainParams>

export const louvainBaseline: SubjectDef<LouvainParams, MultilayerGraph> = {
  name: 'ml-louvain',
  kind: 'baseline',
  description: 'Louvain modularity optimisation on the aggregate graph or the supra graph',
  params: LouvainParams,
  async run(ctx, { params: p, dataset }) {
    const g = dataset.data
    const setup = setupTasks(ctx, g, p)
    const { n } = g
    const L = g.layers.length
    const start = ctx.now()
    const graph = new UndirectedGraph()
    const rng = () => ctx.rng.next()
    let nodeLabels: Int32Array
    let stateLabels: Int32Array
    if (p.graph === 'aggregate') {
      const { layer, weight } = aggregateLayer(setup.train)
      for (let i = 0; i < n; i++) graph.addNode(String(i))
      for (let e = 0; e < layer.src.length; e++)
        graph.addEdge(String(layer.src[e]), String(layer.dst[e]), { weight: weight[e] })
      const c = louvain(graph, { getEdgeWeight: 'weight', rng })
      nodeLabels = Int32Array.from({ length: n }, (_, i) => c[String(i)] as number)
      stateLabels = nodeLabels
    } else {
      for (let s = 0; s < n * L; s++) graph.addNode(String(s))
      setup.train.layers.forEach((layer, l) => {
        for (let e = 0; e < layer.src.length; e++)
          graph.addEdge(
            String(l * n + (layer.src[e] as number)),
            String(l * n + (layer.dst[e] as number)),
            {
              weight: 1,
            },
          )
      })
      for (let l = 0; l < L; l++)
        for (let r = l + 1; r < L; r++) {
          if (g.ordered && r !== l + 1) continue
          for (let i = 0; i < n; i++)
            graph.addEdge(String(l * n + i), String(r * n + i), { weight: p.omega })
        }
      const c = louvain(graph, { getEdgeWeight: 'weight', rng })
      stateLabels = Int32Array.from({ length: n * L }, (_, s) => c[String(s)] as number)
      nodeLabels = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        const votes = new Map<number, number>()
        for (let l = 0; l < L; l++) {
          const layer = setup.train.layers[l]
          const hasEdge = layer !== undefined && (layer.src.includes(i) || layer.dst.includes(i))
          if (!hasEdge) continue
          const label = stateLabels[l * n + i] as number
          votes.set(label, (votes.get(label) ?? 0) + 1)
        }
        let best = stateLabels[i] as number
        let most = 0
        for (const [label, v] of votes)
          if (v > most) {
            most = v
            best = label
          }
        nodeLabels[i] = best
      }
    }
    const clusterMs = ctx.now() - start
    const scores = communityMetrics(setup, nodeLabels, stateLabels)
    return toMetrics({
      ...scores,
      communities: new Set(nodeLabels).size,
      cluster_s: clusterMs / 1000,
      wall_s: (ctx.now() - start) / 1000,
    })
  },
}
