/**
 * Pruning-Aware Merging of n pre-trained single-task nets (He et al., KDD 2021), as described by
 * the official code's algorithm:
 *
 *   1. record the post-ReLU outputs of every hidden layer of every net on a common batch of N
 *      inputs; a conv channel gives one value per sample, the max over its H×W map (a dense
 *      layer's values scaled by the layer's largest output, a conv layer's to unit mean standard
 *      deviation: see PamOptions.scaleConv)
 *   2. per layer, the n·d neurons of the nets are the candidates, each with its own weights
 *   3. per task, the greedy KDE irrelevance set R_t at threshold α (α_conv for conv layers)
 *                                                                         (irrelevance.ts)
 *   4. partition: deleted / task-specific T_t / shared                     (irrelevance.ts)
 *   5. merged net: the nets side by side, each kept neuron with its original weights restricted
 *      by the connectivity rule (shared reads shared; T_t reads shared ∪ T_t), cross-net weights
 *      zero-initialised, one head per task reading shared ∪ T_t
 * The caller then fine-tunes and prunes it with the shared pruner.
 */
import type { Rng } from '../../harness/run/rng.ts'
import {
  neuronFeatures,
  scaleToUnit,
  scaleToUnitStd,
} from '../../models/multitask/mutual-information.ts'
import { concatNets, type MultiNet, positions } from '../../models/multitask/net.ts'
import { hiddenActivations, type TaskSplit } from '../../models/multitask/train.ts'
import { irrelevanceSet, marginalIrrelevance, partitionFromIrrelevance } from './irrelevance.ts'

export interface PamOptions {
  /** MI threshold of the greedy irrelevance sets of dense layers (nats). */
  alpha: number
  /** MI threshold of conv layers (nats). */
  alphaConv: number
  /** KDE noise variance. */
  sigma2: number
  /** Samples in the common batch. */
  samples: number
  /**
   * How a layer's features are scaled before the KDE: by the layer's largest output ('max'), to
   * unit mean standard deviation over the layer's neurons ('std'), or not at all ('raw', as the
   * official code feeds post-ReLU outputs to the KDE). @default 'max'
   */
  scale?: FeatureScale
  /**
   * How a conv layer's features (max-pooled channels) are scaled. By the largest output they
   * come out tiny (one large maximum sets the unit): on LeNet-5 halves the median single-channel
   * MI of conv1 is ~0.000 nats, so at the official α_conv 0.01 the marginal rule deleted 11 of 12
   * conv1 channels and a task collapsed. Scaled to unit mean standard deviation ('std', one
   * factor per layer) the same channels give a median ~0.08 nats and the rule keeps them.
   * @default 'std'
   */
  scaleConv?: FeatureScale
  /**
   * The irrelevance sets' rule: the greedy joint set whose MI stays within α ('joint', the
   * official code), or every neuron whose own MI is within α ('marginal'). @default 'joint'
   */
  rule?: IrrelevanceRule
}

export const FEATURE_SCALES = ['max', 'std', 'raw'] as const
export type FeatureScale = (typeof FEATURE_SCALES)[number]
export const IRRELEVANCE_RULES = ['joint', 'marginal'] as const
export type IrrelevanceRule = (typeof IRRELEVANCE_RULES)[number]

/** Scales a layer's features in place by `how` (see PamOptions.scale). */
export function scaleFeatures(features: readonly Float64Array[], how: FeatureScale): void {
  if (how === 'max') scaleToUnit(features)
  else if (how === 'std') scaleToUnitStd(features)
}

/** The conv layers' threshold: `alphaConv`, or `alpha` at the official defaults' conv/fc ratio (1/5). */
export const convAlpha = (p: { alpha: number; alphaConv?: number | undefined }): number =>
  p.alphaConv ?? p.alpha / 5

export interface PamMerge {
  net: MultiNet
  /** Per layer, the partition of each concatenated candidate. */
  partitions: Int32Array[]
}

/** Regroups the neurons of `nets` by mutual information with each task's labels and merges them. */
export function pamMerge(
  nets: readonly MultiNet[],
  train: TaskSplit,
  classes: readonly number[],
  options: PamOptions,
  rng: Rng,
  onLayer?: (layer: number) => void,
): PamMerge {
  const n = Math.min(options.samples, train.n)
  const rows = rng.shuffle(Array.from({ length: train.n }, (_, i) => i)).slice(0, n)
  const perNet = nets.map((net) => hiddenActivations(net, train, rows))
  const tasks = classes.map((c, t) => ({
    classes: c,
    labels: Int32Array.from(rows, (r) => train.labels[t]![r]!),
  }))
  const partitions = nets[0]!.hidden.map((layer, l) => {
    const features = perNet.flatMap((acts) =>
      neuronFeatures(acts[l]!, n, layer.outSize, positions(layer)),
    )
    scaleFeatures(features, layer.conv ? (options.scaleConv ?? 'std') : (options.scale ?? 'max'))
    const alpha = layer.conv ? options.alphaConv : options.alpha
    const irrelevant = tasks.map((task) =>
      options.rule === 'marginal'
        ? marginalIrrelevance(features, n, task, alpha, options.sigma2)
        : irrelevanceSet(features, n, task, alpha, options.sigma2),
    )
    onLayer?.(l)
    return partitionFromIrrelevance(features.length, irrelevant)
  })
  const widths = nets[0]!.hidden.map((l) => l.outSize)
  const net = concatNets(nets, (t, l, j) => partitions[l]![t * widths[l]! + j]!)
  return { net, partitions }
}
