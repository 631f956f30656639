/**
 * Pairwise evaluation of a centrality comparator, shared by the GNNs and the degree heuristic.
 *
 * Labels: y_c(i, j) = 1[c(i) > c(j)] over ordered pairs i ≠ j (ties: 0 both ways, as the reference).
 * Per graph: accuracy of round(p) against y; ROC AUC of p against y (ties in p count half);
 * precision@10 of the ranking by Σ_j round(p(i, j)) against the true top 10 (a vertex counts as
 * a hit when its true value reaches the 10th largest, so ties at the cut do not penalise).
 * Graphs with more than `maxPairs` ordered pairs are evaluated on a seeded sample of pairs, and
 * ranked against `rankRef` sampled opponents per vertex. Split scores are means over graphs.
 */
import type { CentralityGraph } from '../../datasets/centrality-graphs.ts'
import type { Centrality } from '../../datasets/centrality-measures.ts'
import type { Rng } from '../../harness/run/rng.ts'

/** P(c(i) > c(j)) per pair for every centrality the comparator answers, for one graph. */
export type PairScorer = (
  g: CentralityGraph,
  I: Int32Array,
  J: Int32Array,
) => Partial<Record<Centrality, Float32Array>>

export interface EvalOptions {
  /** Above this many ordered pairs, sample this many. @default 16384 */
  maxPairs: number
  /** Opponents per vertex for the ranking of large graphs. @default 64 */
  rankRef: number
}

export interface GraphScore {
  name: string
  family: CentralityGraph['family']
  n: number
  acc: Partial<Record<Centrality, number>>
  auc: Partial<Record<Centrality, number>>
  p10: Partial<Record<Centrality, number>>
}

/** All ordered pairs i ≠ j, or `max` sampled ones. */
export function pairsOf(
  n: number,
  rng: Rng,
  max: number,
): { I: Int32Array; J: Int32Array; all: boolean } {
  const total = n * (n - 1)
  if (total <= max) {
    const I = new Int32Array(total)
    const J = new Int32Array(total)
    let k = 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j) {
          I[k] = i
          J[k] = j
          k++
        }
    return { I, J, all: true }
  }
  const I = new Int32Array(max)
  const J = new Int32Array(max)
  for (let k = 0; k < max; k++) {
    const i = rng.int(n)
    let j = rng.int(n - 1)
    if (j >= i) j++
    I[k] = i
    J[k] = j
  }
  return { I, J, all: false }
}

export function pairLabels(values: Float64Array, I: Int32Array, J: Int32Array): Float32Array {
  const y = new Float32Array(I.length)
  for (let k = 0; k < I.length; k++)
    y[k] = (values[I[k] as number] as number) > (values[J[k] as number] as number) ? 1 : 0
  return y
}

export function accuracy(p: Float32Array, y: Float32Array): number {
  let hit = 0
  for (let k = 0; k < p.length; k++) if (((p[k] as number) > 0.5 ? 1 : 0) === y[k]) hit++
  return hit / p.length
}

/** ROC AUC by ranks (Mann–Whitney), ties in the score averaged; NaN with one class only. */
export function auc(p: Float32Array, y: Float32Array): number {
  const idx = Array.from(p.keys()).sort((a, b) => (p[a] as number) - (p[b] as number))
  let pos = 0
  let rankSum = 0
  let k = 0
  while (k < idx.length) {
    let e = k
    while (e + 1 < idx.length && p[idx[e + 1] as number] === p[idx[k] as number]) e++
    const rank = (k + e) / 2 + 1
    for (let t = k; t <= e; t++)
      if (y[idx[t] as number] === 1) {
        pos++
        rankSum += rank
      }
    k = e + 1
  }
  const neg = p.length - pos
  if (pos === 0 || neg === 0) return Number.NaN
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg)
}

/** Share of the 10 best-scored vertices (ties by index) whose true value reaches the 10th best. */
export function precisionAt10(score: Float64Array, values: Float64Array): number {
  const n = values.length
  const k = Math.min(10, n)
  const byScore = Array.from(score.keys()).sort(
    (a, b) => (score[b] as number) - (score[a] as number) || a - b,
  )
  const cut = [...values].sort((a, b) => b - a)[k - 1] as number
  let hit = 0
  for (let t = 0; t < k; t++) if ((values[byScore[t] as number] as number) >= cut - 1e-12) hit++
  return hit / k
}

/** Scores one graph for every centrality the comparator answers. */
export function scoreGraph(
  g: CentralityGraph,
  scorer: PairScorer,
  rng: Rng,
  o: EvalOptions,
): GraphScore {
  const { I, J, all } = pairsOf(g.n, rng, o.maxPairs)
  const probs = scorer(g, I, J)
  const out: GraphScore = { name: g.name, family: g.family, n: g.n, acc: {}, auc: {}, p10: {} }
  // Ranking pairs: the evaluation pairs when complete, else rankRef opponents per vertex.
  let RI = I
  let RJ = J
  let rankProbs = probs
  if (!all) {
    const ref = Math.min(o.rankRef, g.n - 1)
    RI = new Int32Array(g.n * ref)
    RJ = new Int32Array(g.n * ref)
    for (let i = 0; i < g.n; i++)
      for (let r = 0; r < ref; r++) {
        let j = rng.int(g.n - 1)
        if (j >= i) j++
        RI[i * ref + r] = i
        RJ[i * ref + r] = j
      }
    rankProbs = scorer(g, RI, RJ)
  }
  for (const [task, p] of Object.entries(probs) as [Centrality, Float32Array][]) {
    const values = g.values[task]
    const y = pairLabels(values, I, J)
    out.acc[task] = accuracy(p, y)
    out.auc[task] = auc(p, y)
    const rp = rankProbs[task] as Float32Array
    const score = new Float64Array(g.n)
    for (let k = 0; k < RI.length; k++)
      if ((rp[k] as number) > 0.5) score[RI[k] as number] = (score[RI[k] as number] as number) + 1
    out.p10[task] = precisionAt10(score, values)
  }
  return out
}

/** Mean of the finite values (NaN when none). */
export function meanOf(xs: readonly number[]): number {
  const f = xs.filter((x) => Number.isFinite(x))
  return f.length === 0 ? Number.NaN : f.reduce((a, b) => a + b, 0) / f.length
}
