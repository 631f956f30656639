/**
 * The shape every multilayer (multiplex) graph dataset hands to its subjects: N nodes shared by
 * L layers, each layer an undirected simple edge list, and a ground-truth label per node.
 */

/** One layer: undirected edges as parallel arrays, `src[e] < dst[e]`, no duplicates. */
export interface GraphLayer {
  name: string
  src: Int32Array
  dst: Int32Array
}

export interface MultilayerGraph {
  /** Number of nodes (the same in every layer; a node may be isolated in some). */
  n: number
  layers: GraphLayer[]
  /** Ground-truth community / class of each node, in 0..k-1. */
  labels: Int32Array
  k: number
  /** Whether the layers have an order (time): multislice modularity then couples neighbours only. */
  ordered: boolean
  nodeNames?: string[]
}

/** Builds a layer from pairs, dropping self-loops and duplicates (either direction). */
export function layerFromPairs(
  name: string,
  pairs: Iterable<readonly [number, number]>,
): GraphLayer {
  const seen = new Set<number>()
  const src: number[] = []
  const dst: number[] = []
  let n = 0
  const list = [...pairs]
  for (const [a, b] of list) n = Math.max(n, a + 1, b + 1)
  for (const [a, b] of list) {
    if (a === b) continue
    const i = Math.min(a, b)
    const j = Math.max(a, b)
    const key = i * n + j
    if (seen.has(key)) continue
    seen.add(key)
    src.push(i)
    dst.push(j)
  }
  return { name, src: Int32Array.from(src), dst: Int32Array.from(dst) }
}

/** Total number of edges over all layers. */
export function edgeCount(g: MultilayerGraph): number {
  return g.layers.reduce((a, l) => a + l.src.length, 0)
}
