/**
 * Seeded random-graph generators with networkx semantics, for the centrality study: Erdős–Rényi,
 * random power-law tree, connected Watts–Strogatz, Holme–Kim power-law cluster, Barabási–Albert
 * and random shell. Each returns an undirected simple graph as an edge list (u < v); only
 * `generateConnected` rejects disconnected draws (the study keeps connected graphs only).
 */
import type { Rng } from '../harness/run/rng.ts'

/** An undirected simple graph: vertices 0..n-1, each edge once as (u, v) with u < v. */
export interface EdgeGraph {
  n: number
  edges: [number, number][]
}

/** The graph families of the study: the four training families, then the two unseen ones. */
export const CENTRALITY_FAMILIES = ['er', 'tree', 'ws', 'plc', 'ba', 'shell'] as const
export type CentralityFamily = (typeof CENTRALITY_FAMILIES)[number]
export const TRAIN_FAMILIES: readonly CentralityFamily[] = ['er', 'tree', 'ws', 'plc']
export const UNSEEN_FAMILIES: readonly CentralityFamily[] = ['ba', 'shell']

class EdgeSet {
  readonly adj: Set<number>[]
  constructor(readonly n: number) {
    this.adj = Array.from({ length: n }, () => new Set<number>())
  }
  has(u: number, v: number): boolean {
    return (this.adj[u] as Set<number>).has(v)
  }
  add(u: number, v: number): void {
    if (u === v) return
    ;(this.adj[u] as Set<number>).add(v)
    ;(this.adj[v] as Set<number>).add(u)
  }
  remove(u: number, v: number): void {
    ;(this.adj[u] as Set<number>).delete(v)
    ;(this.adj[v] as Set<number>).delete(u)
  }
  degree(u: number): number {
    return (this.adj[u] as Set<number>).size
  }
  graph(): EdgeGraph {
    const edges: [number, number][] = []
    for (let u = 0; u < this.n; u++)
      for (const v of [...(this.adj[u] as Set<number>)].sort((a, b) => a - b))
        if (u < v) edges.push([u, v])
    return { n: this.n, edges }
  }
}

/** G(n, p): every pair independently with probability p. */
export function erdosRenyi(rng: Rng, n: number, p: number): EdgeGraph {
  const s = new EdgeSet(n)
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (rng.next() < p) s.add(u, v)
  return s.graph()
}

/** Pareto(α) variate, as Python's random.paretovariate: 1 / U^(1/α). */
function pareto(rng: Rng, alpha: number): number {
  return 1 / (1 - rng.next()) ** (1 / alpha)
}

/**
 * networkx `random_powerlaw_tree`: a power-law degree sequence (Pareto γ-1, rounded, capped at n)
 * whose entries are swapped until it sums to 2(n-1), then `degree_sequence_tree` (a path of the
 * vertices of degree > 1 in increasing degree, leaves hung on them). Returns undefined when
 * `tries` swaps do not reach a tree sequence (the caller draws again).
 */
export function powerlawTree(rng: Rng, n: number, gamma = 3, tries = 1000): EdgeGraph | undefined {
  const round = (x: number) => Math.min(n, Math.max(Math.round(x), 0))
  const seq = Array.from({ length: n }, () => round(pareto(rng, gamma - 1)))
  let sum = seq.reduce((a, b) => a + b, 0)
  let ok = false
  for (let t = 0; t < tries; t++) {
    if (2 * n - sum === 2) {
      ok = true
      break
    }
    const i = rng.int(n)
    const d = round(pareto(rng, gamma - 1))
    sum += d - (seq[i] as number)
    seq[i] = d
  }
  if (!ok) return undefined
  // degree_sequence_tree: the internal vertices form a path 0..k+1, each gets deg-2 extra leaves.
  const internal = seq.filter((d) => d > 1).sort((a, b) => b - a)
  const k = internal.length + 2
  const edges: [number, number][] = []
  for (let v = 0; v + 1 < k; v++) edges.push([v, v + 1])
  let last = k
  for (let source = 1; source < k - 1; source++) {
    const extra = (internal.pop() as number) - 2
    for (let t = last; t < last + extra; t++) edges.push([source, t])
    last += extra
  }
  return { n: last, edges }
}

/**
 * networkx `watts_strogatz_graph`: a ring where each vertex links to its k/2 nearest neighbours
 * per side; each edge (u, u+j) is rewired with probability p to (u, w), w uniform among the
 * vertices that are neither u nor already adjacent to u.
 */
export function wattsStrogatz(rng: Rng, n: number, k: number, p: number): EdgeGraph {
  const s = new EdgeSet(n)
  const half = Math.floor(k / 2)
  for (let j = 1; j <= half; j++) for (let u = 0; u < n; u++) s.add(u, (u + j) % n)
  for (let j = 1; j <= half; j++) {
    for (let u = 0; u < n; u++) {
      const v = (u + j) % n
      if (rng.next() >= p) continue
      if (s.degree(u) >= n - 1) continue
      let w = rng.int(n)
      while (w === u || s.has(u, w)) w = rng.int(n)
      s.remove(u, v)
      s.add(u, w)
    }
  }
  return s.graph()
}

/** networkx `_random_subset`: m distinct elements drawn from a multiset, in draw order. */
function randomSubset(rng: Rng, seq: readonly number[], m: number): number[] {
  const out = new Set<number>()
  while (out.size < m) out.add(seq[rng.int(seq.length)] as number)
  return [...out]
}

/**
 * networkx `powerlaw_cluster_graph` (Holme–Kim): preferential attachment of m edges per new
 * vertex, where after each attachment a triad is closed with probability p (an edge to a random
 * neighbour of the last target) instead of another preferential edge.
 */
export function powerlawCluster(rng: Rng, n: number, m: number, p: number): EdgeGraph {
  const s = new EdgeSet(n)
  const repeated = Array.from({ length: m }, (_, i) => i)
  for (let source = m; source < n; source++) {
    const targets = randomSubset(rng, repeated, m)
    let target = targets.pop() as number
    s.add(source, target)
    repeated.push(target)
    let count = 1
    while (count < m) {
      if (rng.next() < p) {
        const hood = [...(s.adj[target] as Set<number>)].filter(
          (x) => x !== source && !s.has(source, x),
        )
        if (hood.length > 0) {
          const nbr = hood[rng.int(hood.length)] as number
          s.add(source, nbr)
          repeated.push(nbr)
          count++
          continue
        }
      }
      target = targets.pop() as number
      s.add(source, target)
      repeated.push(target)
      count++
    }
    for (let i = 0; i < m; i++) repeated.push(source)
  }
  return s.graph()
}

/** networkx `barabasi_albert_graph`: a star on m+1 vertices, then m preferential edges per vertex. */
export function barabasiAlbert(rng: Rng, n: number, m: number): EdgeGraph {
  const s = new EdgeSet(n)
  const repeated: number[] = []
  for (let v = 1; v <= m; v++) {
    s.add(0, v)
    repeated.push(0, v)
  }
  for (let source = m + 1; source < n; source++) {
    const targets = randomSubset(rng, repeated, m)
    for (const t of targets) s.add(source, t)
    repeated.push(...targets)
    for (let i = 0; i < m; i++) repeated.push(source)
  }
  return s.graph()
}

/**
 * networkx `random_shell_graph` with three shells of about n/3 vertices: inside each shell a
 * G(n_i, m_in) with m_in = p_in·C(n_i, 2) edges, and m_out = p_out·n_i·n_{i+1} random edges from
 * each shell to the next. [R] The reference's exact shell constructor is not public here; this
 * is our reading of "random shell (p_in 0.25, p_out 0.1)".
 */
export function randomShell(rng: Rng, n: number, pIn = 0.25, pOut = 0.1): EdgeGraph {
  const sizes = [Math.floor(n / 3), Math.floor(n / 3)]
  sizes.push(n - (sizes[0] as number) - (sizes[1] as number))
  const s = new EdgeSet(n)
  const starts: number[] = []
  let first = 0
  for (const size of sizes) {
    starts.push(first)
    const want = Math.round((pIn * size * (size - 1)) / 2)
    let have = 0
    while (have < want) {
      const u = first + rng.int(size)
      const v = first + rng.int(size)
      if (u === v || s.has(u, v)) continue
      s.add(u, v)
      have++
    }
    first += size
  }
  for (let i = 0; i + 1 < sizes.length; i++) {
    const a = sizes[i] as number
    const b = sizes[i + 1] as number
    const want = Math.round(pOut * a * b)
    let have = 0
    while (have < want) {
      const u = (starts[i] as number) + rng.int(a)
      const v = (starts[i + 1] as number) + rng.int(b)
      if (s.has(u, v)) continue
      s.add(u, v)
      have++
    }
  }
  return s.graph()
}

/** True when every vertex is reachable from vertex 0. */
export function isConnected(g: EdgeGraph): boolean {
  if (g.n === 0) return false
  const adj = adjacency(g)
  const seen = new Uint8Array(g.n)
  const stack = [0]
  seen[0] = 1
  let count = 1
  while (stack.length > 0) {
    const u = stack.pop() as number
    for (const v of adj[u] as number[])
      if (!seen[v]) {
        seen[v] = 1
        count++
        stack.push(v)
      }
  }
  return count === g.n
}

/** Neighbour lists. */
export function adjacency(g: EdgeGraph): number[][] {
  const adj = Array.from({ length: g.n }, () => [] as number[])
  for (const [u, v] of g.edges) {
    ;(adj[u] as number[]).push(v)
    ;(adj[v] as number[]).push(u)
  }
  return adj
}

/** One draw of a family at n vertices (may be disconnected; a tree draw may fail). */
export function drawFamily(rng: Rng, family: CentralityFamily, n: number): EdgeGraph | undefined {
  switch (family) {
    case 'er':
      return erdosRenyi(rng, n, 0.25)
    case 'tree':
      return powerlawTree(rng, n, 3)
    case 'ws':
      return wattsStrogatz(rng, n, 4, 0.25)
    case 'plc':
      return powerlawCluster(rng, n, 4, 0.1)
    case 'ba':
      return barabasiAlbert(rng, n, 2 + rng.int(4))
    case 'shell':
      return randomShell(rng, n, 0.25, 0.1)
  }
}

/** Draws until a connected graph comes out (rejection, as the reference does). */
export function generateConnected(
  rng: Rng,
  family: CentralityFamily,
  n: number,
  maxTries = 1000,
): EdgeGraph {
  for (let t = 0; t < maxTries; t++) {
    const g = drawFamily(rng, family, n)
    if (g && g.n >= 2 && isConnected(g)) return g
  }
  throw new RangeError(
    `Cannot generate a connected "${family}" graph on ${n} vertices in ${maxTries} tries`,
  )
}
