/**
 * The scores of the three tasks: NMI between partitions, ROC AUC of link scores, micro/macro-F1
 * of predicted classes, per-layer modularity (graphology-metrics) and multislice modularity
 * (Mucha et al. 2010) of a partition of the state nodes.
 */
import { createRequire } from 'node:module'
import { UndirectedGraph } from 'graphology'
import type { GraphLayer, MultilayerGraph } from '../../datasets/multilayer-graph.ts'

// graphology-metrics is CommonJS: its default export is module.exports itself.
const modularityOf = createRequire(import.meta.url)('graphology-metrics/graph/modularity') as (
  graph: UndirectedGraph,
  options: { getNodeCommunity: (node: string) => number },
) => number

/** Normalised mutual information, arithmetic-mean normalisation (sklearn's default). */
export function nmi(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  if (n !== b.length) throw new RangeError(`Cannot compute NMI: ${n} vs ${b.length} labels`)
  const joint = new Map<string, number>()
  const ca = new Map<number, number>()
  const cb = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const x = a[i] as number
    const y = b[i] as number
    joint.set(`${x},${y}`, (joint.get(`${x},${y}`) ?? 0) + 1)
    ca.set(x, (ca.get(x) ?? 0) + 1)
    cb.set(y, (cb.get(y) ?? 0) + 1)
  }
  const h = (c: Map<number, number>) => {
    let s = 0
    for (const v of c.values()) s -= (v / n) * Math.log(v / n)
    return s
  }
  let mi = 0
  for (const [key, v] of joint) {
    const [x, y] = key.split(',').map(Number) as [number, number]
    mi += (v / n) * Math.log((v * n) / ((ca.get(x) as number) * (cb.get(y) as number)))
  }
  const ha = h(ca)
  const hb = h(cb)
  if (ha === 0 && hb === 0) return 1
  return (2 * mi) / (ha + hb)
}

/** ROC AUC: the probability that a positive outscores a negative (ties count half). */
export function auc(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  const all = [
    ...Array.from(pos, (s) => [s, 1] as const),
    ...Array.from(neg, (s) => [s, 0] as const),
  ].sort((x, y) => x[0] - y[0])
  // Mann–Whitney U from mid-ranks.
  let rankSum = 0
  for (let i = 0; i < all.length; ) {
    let j = i
    while (
      j + 1 < all.length &&
      (all[j + 1] as readonly [number, number])[0] === (all[i] as readonly [number, number])[0]
    )
      j++
    const mid = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if ((all[k] as readonly [number, number])[1] === 1) rankSum += mid
    i = j + 1
  }
  const np = pos.length
  const nn = neg.length
  return (rankSum - (np * (np + 1)) / 2) / (np * nn)
}

/** Micro-F1 (= accuracy for one label per node) and macro-F1 (mean over the classes present). */
export function f1Scores(truth: ArrayLike<number>, pred: ArrayLike<number>, k: number) {
  const tp = new Float64Array(k)
  const fp = new Float64Array(k)
  const fn = new Float64Array(k)
  let correct = 0
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as number
    const p = pred[i] as number
    if (t === p) {
      tp[t] = (tp[t] as number) + 1
      correct++
    } else {
      fp[p] = (fp[p] as number) + 1
      fn[t] = (fn[t] as number) + 1
    }
  }
  let macro = 0
  let classes = 0
  for (let c = 0; c < k; c++) {
    if ((tp[c] as number) + (fn[c] as number) === 0) continue
    const denom = 2 * (tp[c] as number) + (fp[c] as number) + (fn[c] as number)
    macro += denom === 0 ? 0 : (2 * (tp[c] as number)) / denom
    classes++
  }
  return { micro: correct / truth.length, macro: classes > 0 ? macro / classes : 0 }
}

/** A graphology graph of one layer (nodes 0..n-1 as strings). */
export function layerGraph(n: number, layer: GraphLayer): UndirectedGraph {
  const g = new UndirectedGraph()
  for (let i = 0; i < n; i++) g.addNode(String(i))
  for (let e = 0; e < layer.src.length; e++) g.addEdge(String(layer.src[e]), String(layer.dst[e]))
  return g
}

/**
 * Modularity of each layer under the state partition `labels` (length N·L, or N for one
 * partition of the nodes), by graphology-metrics; layers without edges are left out of the mean.
 */
export function layerModularities(
  g: MultilayerGraph,
  graphs: readonly UndirectedGraph[],
  labels: ArrayLike<number>,
): number[] {
  const perState = labels.length === g.n * g.layers.length && g.layers.length > 1
  return graphs.flatMap((lg, l) =>
    lg.size === 0
      ? []
      : [
          modularityOf(lg, {
            getNodeCommunity: (node: string) =>
              labels[(perState ? l * g.n : 0) + Number(node)] as number,
          }),
        ],
  )
}

/**
 * Multislice modularity (Mucha et al.) with resolution 1 and coupling ω between a node's copies:
 * all pairs of layers (a multiplex) or consecutive layers (`g.ordered`, time). `labels` holds a
 * community per state (ℓ·N + i) or per node.
 *
 *   Q = 1/(2μ) Σ_ijsr [(A_ijs − k_is k_js / 2m_s) δ_sr + δ_ij C_jsr] δ(g_is, g_jr)
 */
export function multisliceModularity(g: MultilayerGraph, labels: ArrayLike<number>, omega = 1) {
  const { n } = g
  const L = g.layers.length
  const perState = labels.length === n * L
  const at = (l: number, i: number) => labels[(perState ? l * n : 0) + i] as number
  let twoMu = 0
  let q = 0
  g.layers.forEach((layer, l) => {
    const m = layer.src.length
    if (m === 0) return
    twoMu += 2 * m
    const deg = new Float64Array(n)
    for (let e = 0; e < m; e++) {
      deg[layer.src[e] as number] = (deg[layer.src[e] as number] as number) + 1
      deg[layer.dst[e] as number] = (deg[layer.dst[e] as number] as number) + 1
      if (at(l, layer.src[e] as number) === at(l, layer.dst[e] as number)) q += 2
    }
    const byCommunity = new Map<number, number>()
    for (let i = 0; i < n; i++)
      byCommunity.set(at(l, i), (byCommunity.get(at(l, i)) ?? 0) + (deg[i] as number))
    for (const d of byCommunity.values()) q -= (d * d) / (2 * m)
  })
  for (let s = 0; s < L; s++)
    for (let r = 0; r < L; r++) {
      if (r === s || (g.ordered && Math.abs(r - s) !== 1)) continue
      for (let i = 0; i < n; i++) {
        twoMu += omega
        if (at(s, i) === at(r, i)) q += omega
      }
    }
  return twoMu === 0 ? 0 : q / twoMu
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length
}
