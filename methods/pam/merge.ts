/**
 * Pruning-Aware Merging of n pre-trained single-task nets (He et al., KDD 2021), as described by
 * the official code's algorithm:
 *
 *   1. record the post-ReLU outputs of every hidden layer of every net on a common batch of N
 *      inputs; a conv channel gives one value per sample, the max over its H×W map (scaled by
 *      the layer's largest output, so σ² means the same in every layer)
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
import { concatNets, type MultiNet, positions } from '../../models/multitask/net.ts'
import { hiddenActivations, type TaskSplit } from '../../models/multitask/train.ts'
import { irrelevanceSet, partitionFromIrrelevance } from './irrelevance.ts'

export interface PamOptions {
  /** MI threshold of the greedy irrelevance sets of dense layers (nats). */
  alpha: number
  /** MI threshold of conv layers (nats). */
  alphaConv: number
  /** KDE noise variance. */
  sigma2: number
  /** Samples in the common batch. */
  samples: number
}

/** The conv layers' threshold: `alphaConv`, or `alpha` at the official defaults' conv/fc ratio (1/5). */
export const convAlpha = (p: { alpha: number; alphaConv?: number | undefined }): number =>
  p.alphaConv ?? p.alpha / 5

export interface PamMerge {
  net: MultiNet
  /** Per layer, the partition of each concatenated candidate. */
  partitions: Int32Array[]
}

/**
 * One value per sample and neuron of a layer's post-ReLU output [n × d × P]: the neuron's output
 * (P = 1), or the max of a conv channel's map over its P positions.
 */
export function neuronFeatures(
  acts: Float32Array,
  n: number,
  d: number,
  P: number,
): Float64Array[] {
  return Array.from({ length: d }, (_, j) =>
    Float64Array.from({ length: n }, (_, i) => {
      let m = 0
      for (let p = 0; p < P; p++) m = Math.max(m, acts[(i * d + j) * P + p]!)
      return m
    }),
  )
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
    let max = 0
    for (const f of features) for (const v of f) if (v > max) max = v
    if (max > 0) for (const f of features) for (let i = 0; i < n; i++) f[i]! /= max
    const irrelevant = tasks.map((task) =>
      irrelevanceSet(
        features,
        n,
        task,
        layer.conv ? options.alphaConv : options.alpha,
        options.sigma2,
      ),
    )
    onLayer?.(l)
    return partitionFromIrrelevance(features.length, irrelevant)
  })
  const widths = nets[0]!.hidden.map((l) => l.outSize)
  const net = concatNets(nets, (t, l, j) => partitions[l]![t * widths[l]! + j]!)
  return { net, partitions }
}
