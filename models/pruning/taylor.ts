/**
 * Taylor first-order neuron pruning (Molchanov et al.), the pruner every multitask arm shares.
 * Importance of a hidden neuron = mean over batches of (Σ_batch a·∂L/∂a)², normalised by its
 * layer's mean, so layers of different scale compete fairly.
 *
 *   loop: importance on a few batches ─ snapshot ─ delete the `step` fraction of alive neurons
 *         with the lowest importance ─ fine-tune ─ validation accuracy per task
 *         ├─ every task within `budget` points of its reference: keep, next round
 *         └─ otherwise: restore the snapshot and halve the step; when a single neuron fails,
 *            protect it from pruning and go on (so one sensitive task does not stop the others)
 *   until `maxRounds` rounds, or every alive neuron is protected
 */
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import { applyConnectivity, cloneNet, DELETED, type MultiNet } from '../multitask/net.ts'
import { evaluateTasks, labelledRows, type TaskSplit, Trainer } from '../multitask/train.ts'

export const TaylorPruneParams = z.strictObject({
  /** Allowed accuracy drop per task on the validation split, points. @default 1 */
  budget: z.number().nonnegative().default(1),
  /** Fraction of alive neurons removed per round. @default 0.1 */
  step: z.number().positive().max(1).default(0.1),
  /** SGD steps of fine-tuning after each round. @default 60 */
  fineTuneSteps: z.number().int().nonnegative().default(60),
  /** Batches the importance is averaged over. @default 8 */
  importanceBatches: z.number().int().positive().default(8),
  /** @default 40 */
  maxRounds: z.number().int().positive().default(40),
  /** @default 0.01 */
  lr: z.number().positive().default(0.01),
  /** @default 32 */
  batch: z.number().int().positive().default(32),
})
export type TaylorPruneParams = z.output<typeof TaylorPruneParams>

export interface PruneResult {
  rounds: number
  removed: number
  /** Validation accuracy (%) per task at the end. */
  valAcc: number[]
}

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

function deleteNeurons(net: MultiNet, which: readonly [number, number, number][]): void {
  for (const [l, j] of which) net.hidden[l]!.part[j] = DELETED
  applyConnectivity(net)
}

/**
 * Prunes `net` in place until one more round would cost some task more than `budget` points of
 * validation accuracy below `reference` (per task, %).
 */
export function pruneTaylor(
  net: MultiNet,
  data: { train: TaskSplit; val: TaskSplit },
  reference: readonly number[],
  params: TaylorPruneParams,
  rng: Rng,
  onRound?: (round: number, alive: number) => void,
): PruneResult {
  const pool = labelledRows(data.train)
  const within = (acc: number[]) => acc.every((a, t) => a >= reference[t]! - params.budget)
  let valAcc = evaluateTasks(net, data.val)
  let step = params.step
  let rounds = 0
  let removed = 0
  let current = net
  const kept = new Set<string>()
  while (rounds < params.maxRounds) {
    rounds++
    const all = taylorImportance(
      current,
      data.train,
      pool,
      params.importanceBatches,
      params.batch,
      rng,
    )
    const scores = all.filter(([l, j]) => !kept.has(`${l}:${j}`))
    const k = Math.max(1, Math.floor(step * all.length))
    if (scores.length === 0 || all.length <= 1) break
    scores.sort((a, b) => a[2] - b[2])
    const candidate = cloneNet(current)
    deleteNeurons(candidate, scores.slice(0, k))
    new Trainer(candidate, { lr: params.lr, momentum: 0.9, batch: params.batch }).run(
      data.train,
      pool,
      params.fineTuneSteps,
      rng,
    )
    const acc = evaluateTasks(candidate, data.val)
    if (within(acc)) {
      current = candidate
      valAcc = acc
      removed += k
      onRound?.(rounds, scores.length - k)
    } else if (k === 1) {
      const [l, j] = scores[0]!
      kept.add(`${l}:${j}`)
    } else {
      step /= 2
    }
  }
  if (current !== net) Object.assign(net, current)
  return { rounds, removed, valAcc }
}
