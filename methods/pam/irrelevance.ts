/**
 * PAM's regrouping of one layer's concatenated neurons (steps 4–5 of the heuristic):
 *
 *   per task t: R_t = ∅; repeat: add the candidate j minimising the joint I(M_{R_t ∪ {j}}; Y_t);
 *               stop when that minimum exceeds α          (R_t = neurons irrelevant to t)
 *   deleted = ∩_t R_t;  T_t = (∩_{s≠t} R_s) \ deleted;  shared = the rest
 */

import {
  addToKernel,
  emptyKernel,
  kdeMutualInformation,
  type MiTask,
  neuronMutualInformation,
} from '../../models/multitask/mutual-information.ts'
import { DELETED, SHARED } from '../../models/multitask/net.ts'

/** The greedy irrelevance set of one task over `features` (one Float64Array of N values each). */
export function irrelevanceSet(
  features: readonly Float64Array[],
  n: number,
  task: MiTask,
  alpha: number,
  sigma2: number,
): number[] {
  const inv = 1 / (2 * sigma2)
  const kernel = emptyKernel(n)
  const chosen: number[] = []
  const free = new Set(features.keys())
  while (free.size > 0) {
    let best = -1
    let bestMi = Number.POSITIVE_INFINITY
    for (const j of free) {
      const mi = kdeMutualInformation(kernel, n, task, { values: features[j]!, invTwoSigma2: inv })
      if (mi < bestMi) {
        bestMi = mi
        best = j
      }
    }
    if (bestMi > alpha) break
    chosen.push(best)
    free.delete(best)
    addToKernel(kernel, n, features[best]!, inv)
  }
  return chosen
}

/** Every candidate whose own MI with the task is at most `alpha` (the marginal rule). */
export function marginalIrrelevance(
  features: readonly Float64Array[],
  n: number,
  task: MiTask,
  alpha: number,
  sigma2: number,
): number[] {
  return neuronMutualInformation(features, n, task, sigma2).flatMap((mi, j) =>
    mi <= alpha ? [j] : [],
  )
}

/** Partition of `size` candidates from each task's irrelevance set: SHARED, a task, or DELETED. */
export function partitionFromIrrelevance(
  size: number,
  irrelevant: readonly (readonly number[])[],
): Int32Array {
  const sets = irrelevant.map((r) => new Set(r))
  const part = new Int32Array(size).fill(SHARED)
  for (let j = 0; j < size; j++) {
    const irr = sets.map((s) => s.has(j))
    if (irr.every(Boolean)) part[j] = DELETED
    else {
      // Relevant to exactly one task t (irrelevant to every other): task-specific.
      const relevant = irr.flatMap((x, t) => (x ? [] : [t]))
      if (relevant.length === 1 && sets.length > 1) part[j] = relevant[0]!
    }
  }
  return part
}
