/**
 * Taylor first-order neuron pruning (Molchanov et al.), one of the pruners every multitask arm
 * shares. Importance of a hidden neuron = mean over batches of (Σ_batch a·∂L/∂a)², normalised by
 * its layer's mean, so layers of different scale compete fairly; the prune / fine-tune / budget
 * loop is `pruneIteratively`.
 */
import type { Rng } from '../../harness/run/rng.ts'
import { DELETED, type MultiNet } from '../multitask/net.ts'
import { type TaskSplit, Trainer } from '../multitask/train.ts'
import {
  type IterativeOptions,
  IterativePruneParams,
  type PruneResult,
  pruneIteratively,
} from './iterative.ts'

export const TaylorPruneParams = IterativePruneParams
export type TaylorPruneParams = IterativePruneParams

/** Normalised Taylor importance of every alive hidden neuron, as [layer, neuron, score]. */
export function taylorImportance(
  net: MultiNet,
  split: TaskSplit,
  pool: readonly number[],
  batches: number,
  batch: number,
  rng: Rng,
): [number, number, number][] {
  const trainer = new Trainer(net, { lr: 0, momentum: 0, batch })
  for (let s = 0; s < batches; s++) {
    const rows = Array.from({ length: batch }, () => pool[rng.int(pool.length)]!)
    trainer.step(split, rows, false)
  }
  const out: [number, number, number][] = []
  trainer.taylor.forEach((scores, l) => {
    const part = net.hidden[l]!.part
    let sum = 0
    let alive = 0
    scores.forEach((s, j) => {
      if (part[j] !== DELETED) {
        sum += s
        alive++
      }
    })
    const mean = alive > 0 ? sum / alive : 1
    scores.forEach((s, j) => {
      if (part[j] !== DELETED) out.push([l, j, mean > 0 ? s / mean : 0])
    })
  })
  return out
}

/**
 * Prunes `net` in place by Taylor importance while every task stays within `budget` points of
 * validation accuracy below `reference` (per task, %).
 */
export function pruneTaylor(
  net: MultiNet,
  data: { train: TaskSplit; val: TaskSplit },
  reference: readonly number[],
  params: TaylorPruneParams,
  rng: Rng,
  options: IterativeOptions = {},
): PruneResult {
  return pruneIteratively(
    net,
    data,
    reference,
    params,
    (n, split, pool, r) =>
      taylorImportance(n, split, pool, params.importanceBatches, params.batch, r),
    rng,
    options,
  )
}
