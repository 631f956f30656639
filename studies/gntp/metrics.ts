/**
 * Evaluation metrics of the GNTP study.
 *
 * - Average precision (AUC-PR, as scikit-learn's `average_precision_score`): Σ (R_n − R_{n−1}) P_n
 *   over the distinct score thresholds, tied scores entering together.
 * - Filtered rank with the mean-rank-of-ties policy: a target tied with t other candidates gets
 *   rank (#strictly better) + 1 + t/2, the mean of the positions the tie group spans. Max-proof
 *   scores tie often (the same best proof for several candidates, the kernel clip), so argsort
 *   order would flatter or punish arbitrarily.
 */

export function averagePrecision(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number))
  const positives = labels.filter(Boolean).length
  if (positives === 0) return 0
  let tp = 0
  let seen = 0
  let ap = 0
  let prevRecall = 0
  let i = 0
  while (i < order.length) {
    const s = scores[order[i] as number] as number
    while (i < order.length && scores[order[i] as number] === s) {
      if (labels[order[i] as number]) tp++
      seen++
      i++
    }
    const recall = tp / positives
    ap += (recall - prevRecall) * (tp / seen)
    prevRecall = recall
  }
  return ap
}

/** Rank of `target` among `scores` (higher is better), ties at their mean rank; `skip` is filtered out. */
export function meanTieRank(
  scores: ArrayLike<number>,
  target: number,
  skip?: (i: number) => boolean,
): number {
  const t = scores[target] as number
  let better = 0
  let ties = 0
  for (let i = 0; i < scores.length; i++) {
    if (i === target || skip?.(i)) continue
    const s = scores[i] as number
    if (s > t) better++
    else if (s === t) ties++
  }
  return better + 1 + ties / 2
}

export interface RankingSummary {
  mrr: number
  hits1: number
  hits3: number
  hits10: number
  ranks: number
}

export function summarizeRanks(ranks: readonly number[]): RankingSummary {
  const n = Math.max(1, ranks.length)
  const hits = (k: number) => ranks.filter((r) => r <= k).length / n
  return {
    mrr: ranks.reduce((a, r) => a + 1 / r, 0) / n,
    hits1: hits(1),
    hits3: hits(3),
    hits10: hits(10),
    ranks: ranks.length,
  }
}
