/** One NTP or GNTP trial: train on a KB, evaluate, explain one prediction, report the costs. */
import { z } from 'zod'
import type { KnowledgeBase } from '../../datasets/kb.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { evaluateKb, type KbScorer } from './evaluate.ts'
import { explainProof } from './explain.ts'
import type { KnnFacts } from './fact-source.ts'
import { scoreOf } from './prover.ts'
import { qualityMetrics } from './quality-metrics.ts'
import { RankingScorer } from './ranking-scorer.ts'
import { type ProverArm, trainProver } from './train.ts'

export const ProverParams = z.strictObject({
  dim: z.number().int().min(1).default(32),
  /** U(-init, init) initialisation. @default 1 */
  init: z.number().positive().default(1),
  epochs: z.number().int().min(1).default(20),
  batch: z.number().int().min(1).default(50),
  lr: z.number().positive().default(0.01),
  l2: z.number().min(0).default(0.001),
  negatives: z.number().int().min(1).default(1),
  cycleGuard: z.boolean().default(true),
  /** GNTP -F. @default 5 */
  kFacts: z.number().int().min(1).default(5),
  /** GNTP -R. @default 2 */
  kRules: z.number().int().min(1).default(2),
  /** NTP k_max. @default 10 */
  kMax: z.number().int().min(1).default(10),
  refreshEvery: z.number().int().min(1).default(100),
  /** GNTP index: nearest entities kept per entity (beyond them a query scans all facts). */
  neighbours: z.number().int().min(1).default(64),
  /** GNTP index: exact k-NN (a full scan when the neighbours run out) or approximate. @default true */
  exact: z.boolean().default(true),
  /** Cap on batches per epoch (timing sweeps); the epoch time is then extrapolated. */
  maxBatches: z.number().int().min(1).optional(),
  instances: z.number().int().min(1).optional(),
  /** Evaluate quality (off for timing-only points). @default true */
  evaluate: z.boolean().default(true),
  /**
   * KBs with more training facts than this are timing points: `timingBatches` batches of one
   * epoch (its time extrapolated), no quality evaluation. @default no limit
   */
  trainUpTo: z.number().int().min(1).optional(),
  timingBatches: z.number().int().min(1).default(2),
  /** Test triples ranked (ranking task). @default 200 */
  evalTriples: z.number().int().min(1).default(200),
})
export type ProverParams = z.output<typeof ProverParams>

export function runProverTrial(
  ctx: TrialContext,
  kb: KnowledgeBase,
  kind: ProverArm['kind'],
  params: ProverParams,
): Metrics {
  const arm: ProverArm = {
    kind,
    kFacts: params.kFacts,
    kRules: params.kRules,
    kMax: params.kMax,
    refreshEvery: params.refreshEvery,
    neighbours: params.neighbours,
    exact: params.exact,
  }
  ctx.annotate('facts', kb.train.length)
  ctx.annotate('unification', 'joint')
  ctx.annotate(
    'index',
    kind === 'ntp'
      ? 'none (exhaustive)'
      : params.exact
        ? 'exact k-NN, subject-anchored (hnswlib-node not installable)'
        : `approximate: facts of the ${params.neighbours} nearest subjects (hnswlib-node not installable)`,
  )
  const timing = params.trainUpTo !== undefined && kb.train.length > params.trainUpTo
  const schedule = timing ? { ...params, epochs: 1, maxBatches: params.timingBatches } : params
  ctx.annotate('timingOnly', timing)
  const t0 = ctx.now()
  const trained = trainProver(kb, arm, schedule, ctx.rng.fork('train'), ctx.now, (e) =>
    ctx.progress.update(e + 1, schedule.epochs, 'epoch'),
  )
  const trainS = (ctx.now() - t0) / 1000
  const { nkb, prover, stats } = trained
  if (kind === 'gntp') (trained.source as KnnFacts).refresh()
  const e = nkb.entityBase
  const out: Metrics = {
    epoch_s: metric(median(stats.epochS), 's', 'lower', stats.epochS),
    goal_ms: metric(median(stats.goalMs), 'ms', 'lower', stats.goalMs),
    unifications_per_goal: metric(stats.unificationsPerGoal, 'count', 'lower'),
    searches_per_goal: metric(stats.searchesPerGoal, 'count', 'lower'),
    index_fallbacks: metric(stats.fallbackShare, 'fraction', 'lower'),
    work_kb: metric(stats.workBytes / 1024, 'KiB', 'lower'),
    peak_rss_mb: metric(stats.peakRssMb, 'MiB', 'lower'),
    facts: metric(kb.train.length, 'count', 'higher'),
    train_loss: metric(stats.finalLoss, 'nats', 'lower'),
    train_s: metric(trainS, 's', 'lower'),
  }
  ctx.annotate('epochExtrapolated', stats.extrapolated)
  if (!params.evaluate || timing) return out
  const t1 = ctx.now()
  let ranking: RankingScorer | undefined
  const scorer: KbScorer = {
    triple: (p, s, o) => scoreOf(prover.prove(p, e + s, e + o).cost),
    candidates: (p, fixed, at) => {
      ranking ??= new RankingScorer(nkb, prover.opts)
      return ranking.costs(p, fixed, at).map(scoreOf)
    },
  }
  Object.assign(
    out,
    qualityMetrics(evaluateKb(kb, scorer, params.evalTriples, ctx.rng.fork('eval'))),
  )
  out.eval_s = metric((ctx.now() - t1) / 1000, 's', 'lower')
  const [p, s, o] = kb.test[0] ?? [0, 0, 0]
  const text = explainProof(kb, nkb, [p, e + s, e + o], prover.prove(p, e + s, e + o))
  ctx.logger.info(text)
  ctx.annotate('explanation', text.replace(/\n\s*/g, ' | '))
  return out
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
