/**
 * One arm of the centrality study: train (or not) a comparator, score it on every evaluation
 * split, and turn the per-graph scores into the suite's metrics.
 *
 *   acc_<c>, auc_<c>, p10_<c>, acc_mean   test split (training families and sizes)
 *   fam_<family>                          mean accuracy over centralities per family (test + unseen)
 *   extreme_<c>, extreme_mean             the size-generalisation split; drop_extreme = acc_mean − extreme_mean
 *   unseen_<c>, unseen_mean               BA and shell; drop_unseen = acc_mean − unseen_mean
 *   real_<c>, real_mean, real_<name>      the real graphs
 *   size<lo>_<c>                          accuracy per vertex-count band [lo, lo+32) over test + extreme
 *   train_s, train_graphs_per_s, params   (GNNs only)
 * Accuracies, AUCs and precisions are in %.
 */
import { z } from 'zod'
import type { CentralityGraph, CentralityGraphs } from '../../datasets/centrality-graphs.ts'
import { CENTRALITIES, type Centrality } from '../../datasets/centrality-measures.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import {
  type EvalOptions,
  type GraphScore,
  meanOf,
  type PairScorer,
  scoreGraph,
} from './evaluate.ts'
import { CentralityGnn } from './gnn.ts'
import { gnnScorer, trainGnn } from './train.ts'

/** Width of the vertex-count bands of the accuracy-vs-size curve. */
export const SIZE_BAND = 32

export const EvalParams = {
  /** Above this many ordered pairs per graph, sample this many. @default 16384 */
  maxPairs: z.number().int().min(100).default(16384),
  /** Opponents per vertex when ranking a large graph for P@10. @default 64 */
  rankRef: z.number().int().min(1).default(64),
}

export const GnnParams = z.strictObject({
  dim: z.number().int().min(2).default(32),
  iterations: z.number().int().min(1).default(8),
  messageLayers: z.number().int().min(0).default(3),
  decoderLayers: z.number().int().min(1).default(2),
  epochs: z.number().int().min(1).default(8),
  batchesPerEpoch: z.number().int().min(1).default(16),
  batchSize: z.number().int().min(1).default(8),
  learningRate: z.number().positive().default(2e-3),
  clipNorm: z.number().positive().default(0.65),
  /** Ordered pairs per graph and step (0: all pairs, as the reference). @default 1024 */
  trainPairs: z.number().int().min(0).default(1024),
  ...EvalParams,
})
export type GnnParams = z.output<typeof GnnParams>

function evaluateAll(
  data: CentralityGraphs,
  scorer: PairScorer,
  rng: Rng,
  o: EvalOptions,
): Record<'test' | 'extreme' | 'unseen' | 'real', GraphScore[]> {
  const run = (label: string, gs: readonly CentralityGraph[]) =>
    gs.map((g) => scoreGraph(g, scorer, rng.fork(`${label}:${g.name}`), o))
  return {
    test: run('test', data.test),
    extreme: run('extreme', data.extreme),
    unseen: run('unseen', data.unseen),
    real: run('real', data.real),
  }
}

const pct = (x: number) => metric(100 * x, '%', 'higher')

/** The suite's metrics from per-graph scores (see the header). */
export function centralityMetrics(
  scores: Record<'test' | 'extreme' | 'unseen' | 'real', GraphScore[]>,
  tasks: readonly Centrality[],
): Metrics {
  const out: Metrics = {}
  const split = (gs: readonly GraphScore[], key: 'acc' | 'auc' | 'p10', t: Centrality) =>
    meanOf(gs.map((g) => g[key][t] ?? Number.NaN))
  const meanTasks = (gs: readonly GraphScore[]) => meanOf(tasks.map((t) => split(gs, 'acc', t)))
  for (const t of tasks) {
    out[`acc_${t}`] = pct(split(scores.test, 'acc', t))
    out[`auc_${t}`] = pct(split(scores.test, 'auc', t))
    out[`p10_${t}`] = pct(split(scores.test, 'p10', t))
  }
  const accMean = meanTasks(scores.test)
  out.acc_mean = pct(accMean)
  out.auc_mean = pct(meanOf(tasks.map((t) => split(scores.test, 'auc', t))))
  out.p10_mean = pct(meanOf(tasks.map((t) => split(scores.test, 'p10', t))))
  const families = [...new Set([...scores.test, ...scores.unseen].map((g) => g.family))]
  for (const f of families)
    out[`fam_${f}`] = pct(
      meanTasks([...scores.test, ...scores.unseen].filter((g) => g.family === f)),
    )
  for (const [label, gs] of [
    ['extreme', scores.extreme],
    ['unseen', scores.unseen],
    ['real', scores.real],
  ] as const) {
    if (gs.length === 0) continue
    for (const t of tasks) out[`${label}_${t}`] = pct(split(gs, 'acc', t))
    out[`${label}_mean`] = pct(meanTasks(gs))
    if (label !== 'real')
      out[`drop_${label}`] = metric(100 * (accMean - meanTasks(gs)), 'points', 'lower')
  }
  for (const g of scores.real) out[`real_${g.name}`] = pct(meanTasks([g]))
  const sized = [...scores.test, ...scores.extreme]
  const bands = [...new Set(sized.map((g) => Math.floor(g.n / SIZE_BAND) * SIZE_BAND))].sort(
    (a, b) => a - b,
  )
  for (const lo of bands) {
    const inBand = sized.filter((g) => Math.floor(g.n / SIZE_BAND) * SIZE_BAND === lo)
    for (const t of tasks) out[`size${lo}_${t}`] = pct(split(inBand, 'acc', t))
  }
  return out
}

/** Trains a GNN on `tasks` (all four: multitask; one: single-task) and scores it. */
export async function runGnnTrial(
  ctx: TrialContext,
  data: CentralityGraphs,
  params: GnnParams,
  tasks: readonly Centrality[],
): Promise<Metrics> {
  const runtime = await initTfjs()
  ctx.annotate('backend', runtime.backend)
  ctx.annotate('message_passing', 'gather+unsortedSegmentSum')
  const model = new CentralityGnn(ctx.rng.fork('init'), {
    dim: params.dim,
    iterations: params.iterations,
    messageLayers: params.messageLayers,
    decoderLayers: params.decoderLayers,
    tasks,
  })
  try {
    const trained = await trainGnn(model, data.train, params, ctx.rng.fork('train'), {
      now: () => ctx.now(),
      signal: ctx.signal,
      onEpoch: (e, loss) => ctx.progress.update(e, params.epochs, `loss ${loss.toFixed(3)}`),
    })
    const scores = evaluateAll(data, gnnScorer(model), ctx.rng.fork('eval'), params)
    const out = centralityMetrics(scores, tasks)
    out.train_s = metric(trained.seconds, 's', 'lower')
    out.train_graphs_per_s = metric(trained.graphs / trained.seconds, 'graphs/s', 'higher')
    out.final_loss = metric(
      trained.losses[trained.losses.length - 1] ?? Number.NaN,
      'nats',
      'lower',
    )
    out.params = metric(model.parameterCount, 'weights', 'lower')
    return out
  } finally {
    model.dispose()
  }
}

/** The degree heuristic: P(c(i) > c(j)) = 1 if deg i > deg j, ½ on a tie, else 0, for every c. */
export function degreeScorer(tasks: readonly Centrality[] = CENTRALITIES): PairScorer {
  return (g, I, J) => {
    const deg = g.values.degree
    const p = new Float32Array(I.length)
    for (let k = 0; k < I.length; k++) {
      const a = deg[I[k] as number] as number
      const b = deg[J[k] as number] as number
      p[k] = a > b ? 1 : a === b ? 0.5 : 0
    }
    return Object.fromEntries(tasks.map((t) => [t, p]))
  }
}

export const HeuristicParams = z.strictObject({ ...EvalParams })
export type HeuristicParams = z.output<typeof HeuristicParams>

export async function runHeuristicTrial(
  ctx: TrialContext,
  data: CentralityGraphs,
  params: HeuristicParams,
  scorer: PairScorer,
): Promise<Metrics> {
  const scores = evaluateAll(data, scorer, ctx.rng.fork('eval'), params)
  return centralityMetrics(scores, CENTRALITIES)
}
