/**
 * Iterative neuron pruning to a per-task accuracy budget, the loop every pruner of the multitask
 * arms shares; a pruner only supplies the neuron scores (Taylor importance, gate magnitude).
 *
 * Neurons are pruned per group, a group being one partition of the net (the shared partition or
 * one task's), each with its own step. A task-t neuron only feeds task t, so when a round costs
 * some tasks more than the budget, only the groups that can reach them (the shared group and those
 * tasks' groups) are at fault: they back off, and sit out the next round, in which the other
 * groups go on alone. A single-task net is one group, and then this is plain iterative pruning.
 *
 *   loop: scores ─ snapshot ─ per group taking part, delete the `step_g` fraction of its alive
 *         neurons with the lowest scores ─ fine-tune ─ validation accuracy per task
 *         ├─ every task the round reached within `budget` points of its reference (and no other
 *         │  task pushed out of it): keep, next round
 *         └─ otherwise, for each group reaching a failing task: halve step_g, or when it deleted a
 *            single neuron, protect that neuron; those groups sit out the next round (unless no
 *            other group can take part)
 *   until `maxRounds` rounds, or every alive neuron is protected
 * With `partitions: 'shared'` only the shared group takes part (a single-task net is one group).
 */
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import {
  applyConnectivity,
  cloneNet,
  DELETED,
  type MultiNet,
  mayPrune,
  SHARED,
} from '../multitask/net.ts'
import {
  evaluateTasks,
  labelledRows,
  type SgdOptions,
  type TaskSplit,
  Trainer,
} from '../multitask/train.ts'

export const IterativePruneParams = z.strictObject({
  /** Allowed accuracy drop per task on the validation split, points. @default 1 */
  budget: z.number().nonnegative().default(1),
  /** Fraction of a group's alive neurons removed per round. @default 0.1 */
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
  /**
   * Which partitions of a multitask net may lose neurons: every one, or only the shared one (the
   * official PAM code keeps a merged net's task-specific partitions whole and prunes its shared
   * partition, `model_combined*.py`). A single-task net is pruned whole either way. @default 'all'
   */
  partitions: z.enum(['all', 'shared']).default('all'),
})
export type IterativePruneParams = z.output<typeof IterativePruneParams>

export interface PruneResult {
  rounds: number
  removed: number
  /** Validation accuracy (%) per task at the end, and before the first round. */
  valAcc: number[]
  startValAcc: number[]
}

/** Scores of every alive hidden neuron, as [layer, neuron, score]; low scores are pruned first. */
export type NeuronScorer = (
  net: MultiNet,
  split: TaskSplit,
  pool: readonly number[],
  rng: Rng,
) => [number, number, number][]

export interface IterativeOptions {
  /** Extra trainer options of the fine-tuning (e.g. a gate penalty). */
  sgd?: Partial<SgdOptions>
  onRound?: (round: number, alive: number) => void
}

function deleteNeurons(net: MultiNet, which: readonly [number, number, number][]): void {
  for (const [l, j] of which) net.hidden[l]!.part[j] = DELETED
  applyConnectivity(net)
}

/**
 * Prunes `net` in place, group by group, while every task stays within `budget` points of
 * validation accuracy below `reference` (per task, %).
 */
export function pruneIteratively(
  net: MultiNet,
  data: { train: TaskSplit; val: TaskSplit },
  reference: readonly number[],
  params: IterativePruneParams,
  score: NeuronScorer,
  rng: Rng,
  options: IterativeOptions = {},
): PruneResult {
  if (reference.length !== net.numTasks)
    throw new RangeError(
      `Cannot prune: ${reference.length} reference accuracies for ${net.numTasks} tasks`,
    )
  const pool = labelledRows(data.train)
  const sgd: SgdOptions = { lr: params.lr, momentum: 0.9, batch: params.batch, ...options.sgd }
  const tasks = Array.from({ length: net.numTasks }, (_, t) => t)
  let valAcc = evaluateTasks(net, data.val)
  const startValAcc = valAcc
  const steps = new Map<number, number>()
  const stepOf = (g: number) => steps.get(g) ?? params.step
  const kept = new Set<string>()
  let resting = new Set<number>()
  let rounds = 0
  let removed = 0
  let current = net
  while (rounds < params.maxRounds) {
    const all = score(current, data.train, pool, rng)
    if (all.length <= 1) break
    const alive = new Map<number, number>()
    const free = new Map<number, [number, number, number][]>()
    for (const s of all) {
      const g = current.hidden[s[0]]!.part[s[1]]!
      alive.set(g, (alive.get(g) ?? 0) + 1)
      if (kept.has(`${s[0]}:${s[1]}`) || !mayPrune(net, g, params.partitions)) continue
      const list = free.get(g)
      if (list) list.push(s)
      else free.set(g, [s])
    }
    if (free.size === 0) break
    rounds++
    const active = [...free].filter(([g]) => !resting.has(g))
    const picks = (active.length > 0 ? active : [...free]).map(([g, list]) => {
      list.sort((a, b) => a[2] - b[2])
      const k = Math.max(1, Math.floor(stepOf(g) * alive.get(g)!))
      return { g, chosen: list.slice(0, k) }
    })
    const candidate = cloneNet(current)
    deleteNeurons(
      candidate,
      picks.flatMap((p) => p.chosen),
    )
    new Trainer(candidate, sgd).run(data.train, pool, params.fineTuneSteps, rng)
    const acc = evaluateTasks(candidate, data.val)
    // A task fails the round when it ends out of budget and the round reached it (or, through the
    // joint fine-tuning, made it worse than it was).
    const reached = new Set(picks.some((p) => p.g === SHARED) ? tasks : picks.map((p) => p.g))
    const bad = tasks.filter(
      (t) => acc[t]! < reference[t]! - params.budget && (reached.has(t) || acc[t]! < valAcc[t]!),
    )
    const blamed = picks.filter(({ g }) => g === SHARED || bad.includes(g))
    const count = picks.reduce((a, p) => a + p.chosen.length, 0)
    resting = new Set()
    if (bad.length === 0) {
      current = candidate
      valAcc = acc
      removed += count
      options.onRound?.(rounds, all.length - count)
      continue
    }
    for (const { g, chosen } of blamed.length > 0 ? blamed : picks) {
      resting.add(g)
      if (chosen.length === 1) {
        const [l, j] = chosen[0]!
        kept.add(`${l}:${j}`)
      } else steps.set(g, stepOf(g) / 2)
    }
  }
  if (current !== net) Object.assign(net, current)
  return { rounds, removed, valAcc, startValAcc }
}
