/**
 * What every multilayer subject does around its own model: set up the shared split, evaluate
 * node vectors (or a partition) on the three tasks, and name the metrics with units and
 * directions.
 */
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { mean } from './metrics.ts'
import {
  classificationMetrics,
  communityMetrics,
  kmeansLabels,
  linkMetrics,
  prepareTasks,
  type TaskParams,
  type TaskSetup,
} from './tasks.ts'

/** The shared split of this dataset point and repetition (same for every subject). */
export function setupTasks(ctx: TrialContext, g: MultilayerGraph, params: TaskParams): TaskSetup {
  if (g.layers.length === 0)
    throw new RangeError('Cannot set up multilayer tasks: the graph has no layer')
  return prepareTasks(g, ctx.sharedSeed, params)
}

/** k-means communities, classification and (with `score`) link prediction of node vectors. */
export function evaluateVectors(
  ctx: TrialContext,
  setup: TaskSetup,
  x: Float32Array,
  dim: number,
  score?: (layer: number, i: number, j: number) => number,
): Record<string, number> {
  // k-means in the cosine geometry the link scores use: rows scaled to unit length.
  const { labels } = kmeansLabels(
    unitRows(x, dim),
    setup.full.n,
    dim,
    setup.full.k,
    ctx.rng.int(2 ** 31),
  )
  return {
    ...communityMetrics(setup, labels),
    ...classificationMetrics(setup, x, dim, ctx.rng.fork('classification')),
    ...(score ? linkMetrics(setup, score) : {}),
  }
}

/** A copy of `x` (rows of `dim`) with every nonzero row scaled to unit length. */
export function unitRows(x: Float32Array, dim: number): Float32Array {
  const out = Float32Array.from(x)
  for (let r = 0; r < x.length / dim; r++) {
    let norm = 0
    for (let d = 0; d < dim; d++) norm += (x[r * dim + d] as number) ** 2
    if (norm === 0) continue
    const s = 1 / Math.sqrt(norm)
    for (let d = 0; d < dim; d++) out[r * dim + d] = (x[r * dim + d] as number) * s
  }
  return out
}

/** Averages metric dictionaries key by key (the keys of the first). */
export function averageMetrics(parts: readonly Record<string, number>[]): Record<string, number> {
  const first = parts[0]
  if (!first) return {}
  return Object.fromEntries(
    Object.keys(first).map((key) => [key, mean(parts.map((p) => p[key] as number))]),
  )
}

const TIMES = new Set(['wall_s', 'embed_s', 'walk_s', 'skipgram_s', 'finetune_s', 'cluster_s'])
const RATES = new Set(['walks_per_s', 'pairs_per_s'])
const COUNTS = new Set(['communities'])

/** Named values as metrics: times in s (lower), rates (higher), scores unitless (higher). */
export function toMetrics(values: Record<string, number>): Metrics {
  const out: Metrics = {}
  for (const [key, v] of Object.entries(values)) {
    if (!Number.isFinite(v)) continue
    if (TIMES.has(key)) out[key] = metric(v, 's', 'lower')
    else if (RATES.has(key))
      out[key] = metric(v, key === 'walks_per_s' ? 'walks/s' : 'pairs/s', 'higher')
    else if (COUNTS.has(key)) out[key] = metric(v, 'count', 'higher')
    else if (key.endsWith('_loss')) out[key] = metric(v, '', 'lower')
    else out[key] = metric(v, '', 'higher')
  }
  return out
}
