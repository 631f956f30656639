/**
 * Adjacency in compressed rows for a multiplex: one row per state node (i, ℓ) = ℓ·N + i, holding
 * node i's neighbours inside layer ℓ (as node ids), with optional weights and alias tables.
 * The aggregate graph (weights = number of layers with the edge) is a one-layer multiplex.
 */
import type { GraphLayer, MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import { buildAliasInto } from './alias.ts'

export interface LayeredCsr {
  n: number
  layers: number
  /** Row r = ℓ·N + i spans `nbr[offset[r] .. offset[r+1])`. */
  offset: Int32Array
  nbr: Int32Array
  /** Edge weights and their per-row alias tables; absent when every weight is 1. */
  weighted?: { weight: Float64Array; prob: Float64Array; alias: Int32Array }
}

/** Rows of one or several layers, optionally weighted (one weight array per layer). */
export function layeredCsr(n: number, layers: readonly GraphLayer[], weights?: Float64Array[]) {
  const L = layers.length
  const deg = new Int32Array(n * L + 1)
  layers.forEach((l, li) => {
    for (let e = 0; e < l.src.length; e++) {
      deg[li * n + (l.src[e] as number)] = (deg[li * n + (l.src[e] as number)] as number) + 1
      deg[li * n + (l.dst[e] as number)] = (deg[li * n + (l.dst[e] as number)] as number) + 1
    }
  })
  const offset = new Int32Array(n * L + 1)
  for (let r = 0; r < n * L; r++) offset[r + 1] = (offset[r] as number) + (deg[r] as number)
  const nbr = new Int32Array(offset[n * L] as number)
  const weight = weights ? new Float64Array(nbr.length) : undefined
  const fill = offset.slice(0, n * L)
  layers.forEach((l, li) => {
    const w = weights?.[li]
    for (let e = 0; e < l.src.length; e++) {
      const a = l.src[e] as number
      const b = l.dst[e] as number
      const pa = fill[li * n + a] as number
      const pb = fill[li * n + b] as number
      fill[li * n + a] = pa + 1
      fill[li * n + b] = pb + 1
      nbr[pa] = b
      nbr[pb] = a
      if (weight && w) {
        weight[pa] = w[e] as number
        weight[pb] = w[e] as number
      }
    }
  })
  const csr: LayeredCsr = { n, layers: L, offset, nbr }
  if (weight) {
    const prob = new Float64Array(nbr.length)
    const alias = new Int32Array(nbr.length)
    let maxDeg = 0
    for (let r = 0; r < n * L; r++) maxDeg = Math.max(maxDeg, deg[r] as number)
    const scratch = new Int32Array(maxDeg)
    for (let r = 0; r < n * L; r++)
      buildAliasInto(weight, offset[r] as number, deg[r] as number, prob, alias, scratch)
    csr.weighted = { weight, prob, alias }
  }
  return csr
}

/** The multiplex's own rows (every intra-layer edge of weight 1). */
export function multiplexCsr(g: MultilayerGraph): LayeredCsr {
  return layeredCsr(g.n, g.layers)
}

/** The aggregate graph: the union of the layers, weight = number of layers holding the edge. */
export function aggregateLayer(g: MultilayerGraph): { layer: GraphLayer; weight: Float64Array } {
  const count = new Map<number, number>()
  for (const l of g.layers)
    for (let e = 0; e < l.src.length; e++) {
      const key = (l.src[e] as number) * g.n + (l.dst[e] as number)
      count.set(key, (count.get(key) ?? 0) + 1)
    }
  const keys = [...count.keys()].sort((a, b) => a - b)
  return {
    layer: {
      name: 'aggregate',
      src: Int32Array.from(keys, (k) => Math.floor(k / g.n)),
      dst: Int32Array.from(keys, (k) => k % g.n),
    },
    weight: Float64Array.from(keys, (k) => count.get(k) as number),
  }
}

/** Rows of the aggregate graph, weighted, with alias tables. */
export function aggregateCsr(g: MultilayerGraph): LayeredCsr {
  const { layer, weight } = aggregateLayer(g)
  return layeredCsr(g.n, [layer], [weight])
}
