/**
 * L1 neuron gating (scaling factors on neuron outputs with a sparsity penalty, as in Network
 * Slimming, Liu et al. 2017, and Sparse Structure Selection, Huang & Wang 2018), the second pruner
 * every multitask arm shares.
 *
 *   attach a gate γ_j = 1 to every hidden neuron or conv channel (a_j = γ_j·ReLU(z_j), after the
 *   pool of a conv layer, so a gate folds exactly into the weights that read it)
 *   ─ train `gateSteps` SGD steps on loss + λ·Σ|γ| (proximal soft-threshold step on γ)
 *   ─ `pruneIteratively` with score |γ_j| (the penalty stays on while fine-tuning; with
 *     `partitions: 'shared'` it is on the shared neurons only, the ones that may be pruned)
 *   ─ fold each γ_j into the weights that read neuron j, so the pruned net has no gates
 */
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import { DELETED, type MultiNet } from '../multitask/net.ts'
import { labelledRows, type TaskSplit, Trainer } from '../multitask/train.ts'
import {
  type IterativeOptions,
  IterativePruneParams,
  type PruneResult,
  pruneIteratively,
} from './iterative.ts'

export const GatePruneParams = IterativePruneParams.extend({
  /** L1 penalty λ on the gates. @default 0.002 */
  gateL1: z.number().nonnegative().default(0.002),
  /** Sparsity-training steps before the first pruning round. @default 200 */
  gateSteps: z.number().int().nonnegative().default(200),
}).strict()
export type GatePruneParams = z.output<typeof GatePruneParams>

/** Gives every hidden layer of `net` a gate of ones (replacing any gate it had). */
export function attachGates(net: MultiNet): void {
  for (const layer of net.hidden) layer.gate = new Float32Array(layer.outSize).fill(1)
}

/** Multiplies each gate into the weights that read its neuron, then removes the gates. */
export function foldGates(net: MultiNet): void {
  net.hidden.forEach((layer, l) => {
    const gate = layer.gate
    if (!gate) return
    const readers = l + 1 < net.hidden.length ? [net.hidden[l + 1]!] : net.heads
    // Neuron (channel) j is read by the rows j·rowsPerInput ... (j + 1)·rowsPerInput − 1.
    for (const r of readers)
      for (let i = 0; i < r.inSize; i++) {
        const g = gate[Math.floor(i / r.rowsPerInput)]!
        for (let k = 0; k < r.outSize; k++) r.w[i * r.outSize + k]! *= g
      }
    delete layer.gate
  })
}

/** |γ| of every alive neuron of a gated net, as [layer, neuron, score]. */
export function gateScores(net: MultiNet): [number, number, number][] {
  const out: [number, number, number][] = []
  net.hidden.forEach((layer, l) => {
    if (!layer.gate) throw new RangeError(`Cannot score gates: hidden layer ${l} has none`)
    for (let j = 0; j < layer.outSize; j++)
      if (layer.part[j] !== DELETED) out.push([l, j, Math.abs(layer.gate[j]!)])
  })
  return out
}

/**
 * Prunes `net` in place by L1-trained gates while every task stays within `budget` points of
 * validation accuracy below `reference` (per task, %). The returned net computes without gates.
 */
export function pruneL1Gate(
  net: MultiNet,
  data: { train: TaskSplit; val: TaskSplit },
  reference: readonly number[],
  params: GatePruneParams,
  rng: Rng,
  options: IterativeOptions = {},
): PruneResult {
  attachGates(net)
  const penalty = { gateL1: params.gateL1, gateL1SharedOnly: params.partitions === 'shared' }
  const sgd = { lr: params.lr, momentum: 0.9, batch: params.batch, ...penalty }
  new Trainer(net, sgd).run(data.train, labelledRows(data.train), params.gateSteps, rng)
  const result = pruneIteratively(net, data, reference, params, (n) => gateScores(n), rng, {
    ...options,
    sgd: { ...options.sgd, ...penalty },
  })
  foldGates(net)
  return result
}
