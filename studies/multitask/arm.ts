/**
 * What every multitask arm (no merging, MTZ, PAM) shares: its parameters, the cached build of its
 * pruned multitask net from the cached pre-trained nets, and the metrics of one task combination
 * measured on that net (cost-model FLOPs, latency of the partition-skipping inference path,
 * accuracy per task, parameters). Only `build` differs between arms.
 */
import { z } from 'zod'
import type { MnistTaskSet } from '../../datasets/mnist-tasks.ts'
import { measureLatency } from '../../harness/measure/latency.ts'
import { Rng } from '../../harness/run/rng.ts'
import { median } from '../../harness/stats/describe.ts'
import { type Metrics, metric, type TrialContext, TrialSkipped } from '../../harness/types.ts'
import {
  combinationFlops,
  comboLabel,
  type LayerPartition,
  parseCombo,
} from '../../models/multitask/cost.ts'
import { compilePlan, runPlan } from '../../models/multitask/inference-plan.ts'
import {
  cloneNet,
  type MultiNet,
  netArch,
  partitionCounts,
  sharedFraction,
} from '../../models/multitask/net.ts'
import {
  DEFAULT_HIDDEN,
  DEFAULT_PRETRAIN_LR,
  MODELS,
  type PretrainedNets,
  PretrainParams,
  pretrainedNets,
} from '../../models/multitask/pretrain.ts'
import { type TaskData, taskDataOf } from '../../models/multitask/task-data.ts'
import { evaluateTasks, labelledRows, Trainer } from '../../models/multitask/train.ts'
import type { PruneResult } from '../../models/pruning/iterative.ts'
import { GatePruneParams, pruneL1Gate } from '../../models/pruning/l1-gate.ts'
import { pruneTaylor } from '../../models/pruning/taylor.ts'
import {
  CONDITIONS,
  type Condition,
  diagnoseNet,
  diagnosisRows,
  type LayerConditions,
} from './diagnosis.ts'

/** Parameters common to the three arms (flat, so profiles and overrides can set each one). */
export const ArmParams = z.strictObject({
  /** Task combination measured by this trial, letters joined by "+" ("A", "A+C"). @default 'A' */
  combo: z.string().default('A'),
  /** Pruner shared by all arms: Taylor importance, or L1-trained neuron gates. @default 'taylor' */
  pruner: z.enum(['taylor', 'l1-gate']).default('taylor'),
  /** L1 penalty on the gates (pruner 'l1-gate'). @default 0.002 */
  gateL1: z.number().nonnegative().default(0.002),
  /**
   * Sparsity-training steps before pruning per single-task net (pruner 'l1-gate'); a merged net of
   * n tasks gets n times as many, as with `maxRounds`. @default 200
   */
  gateSteps: z.number().int().nonnegative().default(200),
  /** Single-task architecture: an MLP, or LeNet-5 (two 5×5 convs + pools, then dense). @default 'mlp' */
  model: z.enum(MODELS).default('mlp'),
  /** Output channels of LeNet-5's conv layers (model 'lenet5'). @default [6, 16] */
  channels: z.array(z.number().int().positive()).min(1).default([6, 16]),
  /**
   * Dense hidden widths of each single-task net: the MLP's layers, or LeNet-5's fully connected
   * layers after the convs. @default [48, 24] for 'mlp', [120, 84] for 'lenet5'
   */
  hidden: z.array(z.number().int().positive()).min(1).optional(),
  /** Pre-training epochs of each single-task net. @default 4 */
  epochs: z.number().int().positive().default(4),
  /** Pre-training SGD learning rate. @default 0.02 for 'mlp', 0.01 for 'lenet5' */
  pretrainLr: z.number().positive().optional(),
  /** Allowed validation-accuracy drop per task while pruning, points. @default 1 */
  budget: z.number().nonnegative().default(1),
  /** Fraction of alive neurons pruned per round. @default 0.1 */
  pruneStep: z.number().positive().max(1).default(0.1),
  /** Fine-tuning SGD steps after each pruning round. @default 60 */
  pruneFineTune: z.number().int().nonnegative().default(60),
  /**
   * Pruning rounds per single-task net; a merged net of n tasks gets n times as many (no merging
   * prunes n nets), so every arm makes as many pruning decisions. @default 40
   */
  maxRounds: z.number().int().positive().default(40),
  /**
   * Partitions the pruner may shrink in a merged net: all, or only the shared one, as the official
   * PAM code does (task-specific partitions kept whole). Single-task nets (no merging) and a fully
   * zipped MTZ net have only one partition, so this changes PAM alone. @default 'all'
   */
  prunePartitions: z.enum(['all', 'shared']).default('all'),
  /**
   * The accuracy each task's pruning budget counts from, the same rule for every arm: its unpruned
   * single-task net ('pretrained'), or the lower of that and the arm's own net when pruning starts
   * ('start'; after merging and fine-tuning, so a merge that already cost accuracy, as MTZ's
   * zipping does, is still pruned by `budget` points more; for no merging both are the same).
   * @default 'start'
   */
  budgetFrom: z.enum(['pretrained', 'start']).default('start'),
  /** Validation rows the C1–C3 diagnosis estimates its MI on (0: no diagnosis). @default 200 */
  diagnosisSamples: z.number().int().nonnegative().default(200),
  /** Joint fine-tuning steps of a merged net before pruning. @default 200 */
  mergeFineTune: z.number().int().nonnegative().default(200),
  /** Sampling round of the latency measurement, ms. @default 100 */
  latencyMs: z.number().positive().default(100),
  /** Examples per timed call. @default 32 */
  latencyBatch: z.number().int().positive().default(32),
})
export type ArmParams = z.output<typeof ArmParams>

export interface BuiltArm {
  net: MultiNet
  /** Test accuracy (%) per task of the pruned net, and of each task's unpruned pre-trained net. */
  testAcc: number[]
  refTestAcc: number[]
  rounds: number
  /** Arm-specific facts (for annotations). */
  facts: Record<string, number | string>
  /** Alive neurons per layer and partition of the unpruned multitask net (pruning starts). */
  startCounts?: LayerPartition[]
  /** C1–C3 per layer of the merged net before fine-tuning, when pruning starts, and pruned. */
  diagnosis: Partial<Record<DiagnosisStage, LayerConditions[]>>
}

/** The nets the C1–C3 diagnosis looks at: merged, fine-tuned (pruning starts), pruned. */
export const DIAGNOSIS_STAGES = ['merged', 'start', 'end'] as const
export type DiagnosisStage = (typeof DIAGNOSIS_STAGES)[number]

export interface ArmTools {
  data: TaskData
  pre: PretrainedNets
  rng: Rng
  params: ArmParams
  /**
   * Fine-tune a merged net jointly, then prune it with the shared pruner, each task's budget
   * counted from `budgetFrom`.
   */
  fineTuneAndPrune(net: MultiNet): PruneResult
  /** Prune a net with the shared pruner against the given validation references. */
  prune(
    net: MultiNet,
    reference: readonly number[],
    split?: Pick<TaskData, 'train' | 'val'>,
  ): PruneResult
}

export interface ArmDef<P> {
  name: string
  /** Everything of the arm's own params that changes its net (goes into the cache key). */
  key(params: P): unknown
  build(
    tools: ArmTools,
    params: P,
  ): Promise<{
    net: MultiNet
    rounds: number
    facts?: Record<string, number | string>
    /** The unpruned multitask net, when the arm prunes without `fineTuneAndPrune` (no merging). */
    unpruned?: MultiNet
  }>
}

/**
 * The shared pruner's parameters for a net of `tasks` tasks. A merged net of n tasks gets n times
 * the rounds and the gate sparsity-training steps of a single-task net: no merging prunes n nets,
 * each with the single-task budget, so every arm gets the same pruning decisions and the same
 * sparsity-training steps per task.
 */
function pruneParams(p: ArmParams, tasks: number): GatePruneParams {
  return GatePruneParams.parse({
    budget: p.budget,
    step: p.pruneStep,
    fineTuneSteps: p.pruneFineTune,
    maxRounds: p.maxRounds * tasks,
    gateL1: p.gateL1,
    gateSteps: p.gateSteps * tasks,
    partitions: p.prunePartitions,
  })
}

/** The arm's pruned net for this dataset point and repetition (built once, then cached). */
export async function builtArm<P extends ArmParams>(
  ctx: TrialContext,
  data: TaskData,
  arm: ArmDef<P>,
  params: P,
): Promise<BuiltArm> {
  const { combo: _c, latencyMs: _l, latencyBatch: _b, ...common } = params
  const key = {
    artifact: 'multitask-arm',
    v: 4,
    arm: arm.name,
    common,
    own: arm.key(params),
    tasks: data.names,
    n: data.train.n,
    seed: ctx.sharedSeed,
  }
  return ctx.cache.getOrCreate(key, async () => {
    const pre = await pretrainedNets(
      ctx,
      data,
      PretrainParams.parse({
        model: params.model,
        channels: params.channels,
        hidden: params.hidden ?? DEFAULT_HIDDEN[params.model],
        epochs: params.epochs,
        lr: params.pretrainLr ?? DEFAULT_PRETRAIN_LR[params.model],
      }),
    )
    const rng = new Rng(ctx.sharedSeed).fork(`arm:${arm.name}`)
    const pruned: PruneResult[] = []
    const stages: { merged?: MultiNet; start?: MultiNet } = {}
    const prune = (
      net: MultiNet,
      reference: readonly number[],
      split: Pick<TaskData, 'train' | 'val'>,
    ) => {
      const pp = pruneParams(params, net.numTasks)
      const run = params.pruner === 'l1-gate' ? pruneL1Gate : pruneTaylor
      const onRound = (round: number, alive: number) =>
        ctx.progress.update(round, pp.maxRounds, `${arm.name} prune: ${alive} alive`)
      const result = run(net, split, reference, pp, rng, { onRound })
      pruned.push(result)
      return result
    }
    const tools: ArmTools = {
      data,
      pre,
      rng,
      params,
      prune: (net, reference, split = data) => prune(net, reference, split),
      fineTuneAndPrune(net) {
        const pool = labelledRows(data.train)
        const { lr, batch } = pruneParams(params, net.numTasks)
        stages.merged = cloneNet(net)
        new Trainer(net, { lr, momentum: 0.9, batch }).run(
          data.train,
          pool,
          params.mergeFineTune,
          rng,
        )
        stages.start = cloneNet(net)
        const start = evaluateTasks(net, data.val)
        const reference =
          params.budgetFrom === 'start'
            ? pre.valAcc.map((a, t) => Math.min(a, start[t]!))
            : pre.valAcc
        return prune(net, reference, data)
      },
    }
    const { net, rounds, facts: own = {}, unpruned } = await arm.build(tools, params)
    const startNet = stages.start ?? unpruned
    const diagnosis: BuiltArm['diagnosis'] = {}
    if (params.diagnosisSamples > 0) {
      const rows = diagnosisRows(data.val, params.diagnosisSamples)
      const diagnose = (m: MultiNet) => diagnoseNet(m, data.val, rows, data.classes)
      const merged = stages.merged ?? unpruned
      const start = stages.start ?? unpruned
      const atMerge = merged && diagnose(merged)
      if (atMerge) diagnosis.merged = atMerge
      if (start) diagnosis.start = start === merged && atMerge ? atMerge : diagnose(start)
      diagnosis.end = diagnose(net)
    }
    // Validation accuracy per task: of the unpruned single-task nets (the budget's reference),
    // when pruning starts (after merging and fine-tuning) and when it ends.
    const pct = (xs: readonly number[]) => xs.map((a) => a.toFixed(2)).join(' ')
    const facts = {
      ...own,
      valRef: pct(pre.valAcc),
      valStart: pct(pruned.flatMap((r) => r.startValAcc)),
      valEnd: pct(pruned.flatMap((r) => r.valAcc)),
    }
    return {
      net,
      testAcc: evaluateTasks(net, data.test),
      refTestAcc: pre.testAcc,
      rounds,
      facts,
      diagnosis,
      ...(startNet ? { startCounts: partitionCounts(startNet) } : {}),
    }
  })
}

/** Metric name of condition `c` of hidden layer `l` at `stage`, e.g. "c1Leak_l0_end". */
export const conditionMetric = (c: Condition, l: number, stage: DiagnosisStage): string =>
  `${c}_l${l}_${stage}`

/** Alive neurons per layer and partition, e.g. "s12 A3 B4 | s6 A2 B1" (s = shared). */
export function keptLabel(net: MultiNet): string {
  return partitionCounts(net)
    .map((p) => [`s${p.shared}`, ...p.tasks.map((n, t) => `${comboLabel([t])}${n}`)].join(' '))
    .join(' | ')
}

/** Runs one trial of an arm: builds (or reuses) its pruned net and measures the trial's combination. */
export async function runArmTrial<P extends ArmParams>(
  ctx: TrialContext,
  dataset: MnistTaskSet,
  arm: ArmDef<P>,
  params: P,
): Promise<Metrics> {
  const data = taskDataOf(dataset)
  const combo = parseCombo(params.combo)
  const n = data.names.length
  if (combo.some((t) => t >= n))
    throw new TrialSkipped(
      `combination "${params.combo}" needs more tasks than task set "${dataset.taskSet}" has (${n})`,
    )
  const built = await builtArm(ctx, data, arm, params)
  const net = built.net
  const plan = compilePlan(net, combo)
  const flops = combinationFlops(netArch(net), partitionCounts(net), combo)
  if (flops !== plan.flops)
    throw new Error(
      `Cannot measure "${params.combo}": the plan computes ${plan.flops} FLOPs, the cost model ${flops}`,
    )
  const rows = Math.min(params.latencyBatch, data.test.n)
  const x = data.test.x.subarray(0, rows * data.inputSize)
  const { samples } = await measureLatency(() => runPlan(plan, x, rows), {
    timeMs: params.latencyMs,
    minSamples: 5,
    warmupMs: 20,
  })
  const acc = combo.map((t) => built.testAcc[t]!)
  const drops = combo.map((t) => built.refTestAcc[t]! - built.testAcc[t]!)
  ctx.annotate('backend', 'plain-ts')
  ctx.annotate('pruneRounds', built.rounds)
  for (const [k, v] of Object.entries(built.facts)) ctx.annotate(k, v)
  ctx.annotate('kept', keptLabel(net))
  ctx.annotate('refTestAcc', built.refTestAcc.map((a) => a.toFixed(2)).join(' '))
  const conditions: Metrics = {}
  for (const stage of DIAGNOSIS_STAGES)
    built.diagnosis[stage]?.forEach((layer, l) => {
      for (const c of CONDITIONS)
        conditions[conditionMetric(c, l, stage)] = metric(
          layer[c],
          c === 'c1Mi' ? 'nats' : '',
          c === 'c2Multi' ? 'higher' : 'lower',
        )
    })
  return {
    ...conditions,
    flops: metric(flops, 'FLOPs', 'lower'),
    // The same combination on the arm's unpruned multitask net (MTZ: the zipped, fine-tuned net).
    ...(built.startCounts
      ? {
          flops_unpruned: metric(
            combinationFlops(netArch(net), built.startCounts, combo),
            'FLOPs',
            'lower',
          ),
        }
      : {}),
    latency_ms: metric(median(samples), 'ms', 'lower', samples),
    acc: metric(acc.reduce((a, b) => a + b, 0) / acc.length, '%', 'higher'),
    acc_drop: metric(Math.max(...drops), 'pt', 'lower'),
    params: metric(plan.params, '', 'lower'),
    shared_frac: metric(sharedFraction(net), '', 'higher'),
  }
}
