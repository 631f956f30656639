/**
 * The evaluation protocol every multilayer subject shares.
 *
 *   split:          per layer, `holdout` of the edges are hidden (link-prediction positives) and
 *                   as many non-edges of the full layer are drawn (negatives); subjects see only
 *                   the remaining training layers. The split uses the shared seed, so every
 *                   subject of a dataset point and repetition sees the same one
 *   classification: multinomial logistic regression on standardised node
 *                   vectors, trained on a random `f` of the nodes, micro/macro-F1 on the rest
 *   link:           AUC of a subject's (layer, i, j) scores over the held-out pairs, per layer,
 *                   averaged over the layers with held-out edges
 *   community:      k-means (ml-kmeans, K = the number of classes) on node vectors, or a
 *                   subject's own partition; NMI against the labels, per-layer modularity on the
 *                   full layers (mean) and multislice modularity (ω = 1)
 */
import type { UndirectedGraph } from 'graphology'
import { kmeans } from 'ml-kmeans'
import { z } from 'zod'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import { Rng } from '../../harness/run/rng.ts'
import {
  auc,
  f1Scores,
  layerGraph,
  layerModularities,
  mean,
  multisliceModularity,
  nmi,
} from './metrics.ts'

export const TaskParams = z.strictObject({
  /** Fraction of each layer's edges held out for link prediction (0: no link prediction). @default 0.2 */
  holdout: z.number().min(0).max(0.9).default(0.2),
  /** Labelled fractions for node classification. @default [0.1, 0.5, 0.9] */
  labelFractions: z.array(z.number().gt(0).lt(1)).min(1).default([0.1, 0.5, 0.9]),
  /** Gradient steps of the logistic regression. @default 200 */
  classifierSteps: z.number().int().min(1).default(200),
})
export type TaskParams = z.output<typeof TaskParams>

export interface TaskSetup {
  full: MultilayerGraph
  /** What subjects train on: the full layers less the held-out edges. */
  train: MultilayerGraph
  /** Held-out edges and sampled non-edges, per layer, as flat (i, j) pairs. */
  positives: Int32Array[]
  negatives: Int32Array[]
  /** graphology graphs of the full layers (for modularity). */
  graphs: UndirectedGraph[]
  params: TaskParams
}

/** The train graph and held-out pairs of `g`, deterministic in `seed`. */
export function prepareTasks(g: MultilayerGraph, seed: number, params: TaskParams): TaskSetup {
  const rng = new Rng(seed).fork('link-split')
  const positives: Int32Array[] = []
  const negatives: Int32Array[] = []
  const layers = g.layers.map((layer) => {
    const m = layer.src.length
    const hide = Math.floor(m * params.holdout)
    const order = rng.shuffle(Array.from({ length: m }, (_, e) => e))
    const hidden = order.slice(0, hide).sort((a, b) => a - b)
    const kept = order.slice(hide).sort((a, b) => a - b)
    const pos = new Int32Array(2 * hide)
    hidden.forEach((e, k) => {
      pos[2 * k] = layer.src[e] as number
      pos[2 * k + 1] = layer.dst[e] as number
    })
    const edges = new Set<number>()
    for (let e = 0; e < m; e++) edges.add((layer.src[e] as number) * g.n + (layer.dst[e] as number))
    const neg = new Int32Array(2 * hide)
    for (let k = 0; k < hide; ) {
      const a = rng.int(g.n)
      const b = rng.int(g.n)
      if (a === b || edges.has(Math.min(a, b) * g.n + Math.max(a, b))) continue
      neg[2 * k] = a
      neg[2 * k + 1] = b
      k++
    }
    positives.push(pos)
    negatives.push(neg)
    return {
      name: layer.name,
      src: Int32Array.from(kept, (e) => layer.src[e] as number),
      dst: Int32Array.from(kept, (e) => layer.dst[e] as number),
    }
  })
  return {
    full: g,
    train: { ...g, layers },
    positives,
    negatives,
    graphs: g.layers.map((l) => layerGraph(g.n, l)),
    params,
  }
}

/** Rows of `data` (n × dim) as arrays, for ml-kmeans. */
function rows(data: Float32Array, n: number, dim: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)))
}

/** k-means (ml-kmeans, k-means++ start, seeded) cluster of each of the n rows. */
export function kmeansLabels(data: Float32Array, n: number, dim: number, k: number, seed: number) {
  const r = kmeans(rows(data, n, dim), k, { seed, initialization: 'kmeans++', maxIterations: 100 })
  return { labels: Int32Array.from(r.clusters), centroids: r.centroids }
}

/** NMI, mean per-layer modularity and multislice modularity of a partition. */
export function communityMetrics(
  setup: TaskSetup,
  nodeLabels: Int32Array,
  stateLabels: Int32Array = nodeLabels,
) {
  return {
    nmi: nmi(setup.full.labels, nodeLabels),
    modularity: mean(layerModularities(setup.full, setup.graphs, stateLabels)),
    multislice_modularity: multisliceModularity(setup.full, stateLabels),
  }
}

/** Multinomial logistic regression (L2 1e-3) on standardised features; predicted classes of `test`. */
export function logisticPredict(
  x: Float32Array,
  dim: number,
  labels: Int32Array,
  k: number,
  train: readonly number[],
  test: readonly number[],
  steps: number,
): Int32Array {
  const mu = new Float64Array(dim)
  const sd = new Float64Array(dim)
  for (const i of train)
    for (let d = 0; d < dim; d++)
      mu[d] = (mu[d] as number) + (x[i * dim + d] as number) / train.length
  for (const i of train)
    for (let d = 0; d < dim; d++)
      sd[d] =
        (sd[d] as number) + ((x[i * dim + d] as number) - (mu[d] as number)) ** 2 / train.length
  for (let d = 0; d < dim; d++) sd[d] = Math.sqrt(sd[d] as number) + 1e-8
  // The standardised features, computed once (the same values the steps would recompute).
  const zs = new Float64Array(x.length)
  for (const rows of [train, test])
    for (const i of rows)
      for (let d = 0; d < dim; d++)
        zs[i * dim + d] = ((x[i * dim + d] as number) - (mu[d] as number)) / (sd[d] as number)
  const z = (i: number, d: number) => zs[i * dim + d] as number
  const w = new Float64Array(k * (dim + 1))
  const grad = new Float64Array(w.length)
  const p = new Float64Array(k)
  const lr = 0.5
  const lambda = 1e-3
  for (let step = 0; step < steps; step++) {
    grad.fill(0)
    for (const i of train) {
      const zi = i * dim
      let max = -Infinity
      for (let c = 0; c < k; c++) {
        const wc = c * (dim + 1)
        let s = w[wc + dim] as number
        for (let d = 0; d < dim; d++) s += (w[wc + d] as number) * (zs[zi + d] as number)
        p[c] = s
        if (s > max) max = s
      }
      let sum = 0
      for (let c = 0; c < k; c++) {
        p[c] = Math.exp((p[c] as number) - max)
        sum += p[c] as number
      }
      for (let c = 0; c < k; c++) {
        const g = (p[c] as number) / sum - (labels[i] === c ? 1 : 0)
        const wc = c * (dim + 1)
        for (let d = 0; d < dim; d++)
          grad[wc + d] = (grad[wc + d] as number) + g * (zs[zi + d] as number)
        grad[wc + dim] = (grad[wc + dim] as number) + g
      }
    }
    for (let j = 0; j < w.length; j++)
      w[j] =
        (w[j] as number) - lr * ((grad[j] as number) / train.length + lambda * (w[j] as number))
  }
  return Int32Array.from(test, (i) => {
    let best = 0
    let bestS = -Infinity
    for (let c = 0; c < k; c++) {
      let s = w[c * (dim + 1) + dim] as number
      for (let d = 0; d < dim; d++) s += (w[c * (dim + 1) + d] as number) * z(i, d)
      if (s > bestS) {
        bestS = s
        best = c
      }
    }
    return best
  })
}

/** micro_f1_<pct> and macro_f1_<pct> per labelled fraction, plus their means over fractions. */
export function classificationMetrics(
  setup: TaskSetup,
  x: Float32Array,
  dim: number,
  rng: Rng,
): Record<string, number> {
  const { labels, k, n } = setup.full
  const out: Record<string, number> = {}
  const micro: number[] = []
  const macro: number[] = []
  for (const f of setup.params.labelFractions) {
    const order = rng.fork(`labels-${f}`).shuffle(Array.from({ length: n }, (_, i) => i))
    const cut = Math.max(1, Math.min(n - 1, Math.round(n * f)))
    const train = order.slice(0, cut)
    const test = order.slice(cut)
    const pred = logisticPredict(x, dim, labels, k, train, test, setup.params.classifierSteps)
    const s = f1Scores(
      Int32Array.from(test, (i) => labels[i] as number),
      pred,
      k,
    )
    const pct = Math.round(f * 100)
    out[`micro_f1_${pct}`] = s.micro
    out[`macro_f1_${pct}`] = s.macro
    micro.push(s.micro)
    macro.push(s.macro)
  }
  out.micro_f1 = mean(micro)
  out.macro_f1 = mean(macro)
  return out
}

/** Per-layer AUC of `score(layer, i, j)` over the held-out pairs, averaged over layers. */
export function linkMetrics(
  setup: TaskSetup,
  score: (layer: number, i: number, j: number) => number,
) {
  const per: number[] = []
  setup.positives.forEach((pos, l) => {
    const neg = setup.negatives[l] as Int32Array
    if (pos.length === 0) return
    const s = (pairs: Int32Array) =>
      Array.from({ length: pairs.length / 2 }, (_, k) =>
        score(l, pairs[2 * k] as number, pairs[2 * k + 1] as number),
      )
    per.push(auc(s(pos), s(neg)))
  })
  return per.length > 0 ? { link_auc: mean(per) } : {}
}

/** Cosine similarity of rows a and b of `x` (n × dim); 0 when either is zero. */
export function cosine(x: Float32Array, dim: number, a: number, b: number): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let d = 0; d < dim; d++) {
    const u = x[a * dim + d] as number
    const v = x[b * dim + d] as number
    ab += u * v
    aa += u * u
    bb += v * v
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb)
}
