/**
 * Reference centralities of a connected undirected graph, with the semantics of the study:
 * degree (count), betweenness (Brandes, `graphology-metrics`, normalised), closeness
 * (`graphology-metrics`: (n-1)/Σ distances on a connected graph), and eigenvector centrality by
 * power iteration on A+I (networkx's iteration: start at 1/n, L2-normalise, stop when the L1
 * change is below n·tol) — written here because graphology's iterates on A alone, which oscillates
 * on bipartite graphs (trees). Only the orderings matter to the study.
 */
import { createRequire } from 'node:module'
import type { EdgeGraph } from './centrality-generators.ts'

export const CENTRALITIES = ['degree', 'betweenness', 'closeness', 'eigenvector'] as const
export type Centrality = (typeof CENTRALITIES)[number]
export type CentralityValues = Record<Centrality, Float64Array>

const require = createRequire(import.meta.url)

interface GraphologyGraph {
  addNode(key: string): void
  addEdge(a: string, b: string): void
}
type GraphCtor = new (options?: { type?: string }) => GraphologyGraph
type Mapping = Record<string, number>

let lib:
  | {
      UndirectedGraph: GraphCtor
      betweenness: (g: GraphologyGraph, o?: { normalized?: boolean }) => Mapping
      closeness: (g: GraphologyGraph) => Mapping
    }
  | undefined

function graphology() {
  if (lib) return lib
  const need = (name: string) => {
    try {
      return require(name)
    } catch {
      throw new Error(`Cannot compute centralities: the npm package "${name}" is not installed`)
    }
  }
  const core = need('graphology') as { UndirectedGraph: GraphCtor }
  const b: unknown = need('graphology-metrics/centrality/betweenness')
  const c: unknown = need('graphology-metrics/centrality/closeness')
  const unwrap = <F>(m: unknown): F => ((m as { default?: F }).default ?? m) as F
  lib = {
    UndirectedGraph: core.UndirectedGraph,
    betweenness: unwrap(b),
    closeness: unwrap(c),
  }
  return lib
}

function toGraphology(g: EdgeGraph): GraphologyGraph {
  const G = new (graphology().UndirectedGraph)()
  for (let v = 0; v < g.n; v++) G.addNode(String(v))
  for (const [u, v] of g.edges) G.addEdge(String(u), String(v))
  return G
}

function fromMapping(m: Mapping, n: number): Float64Array {
  const out = new Float64Array(n)
  for (let v = 0; v < n; v++) out[v] = m[String(v)] ?? 0
  return out
}

export function degreeCentrality(g: EdgeGraph): Float64Array {
  const d = new Float64Array(g.n)
  for (const [u, v] of g.edges) {
    d[u] = (d[u] as number) + 1
    d[v] = (d[v] as number) + 1
  }
  return d
}

export function betweennessCentrality(g: EdgeGraph): Float64Array {
  return fromMapping(graphology().betweenness(toGraphology(g), { normalized: true }), g.n)
}

export function closenessCentrality(g: EdgeGraph): Float64Array {
  return fromMapping(graphology().closeness(toGraphology(g)), g.n)
}

/**
 * Eigenvector centrality by power iteration on A+I. Returns undefined when it has not converged
 * within `maxIter` iterations (the study discards such graphs).
 */
export function eigenvectorCentrality(
  g: EdgeGraph,
  maxIter = 100,
  tol = 1e-6,
): Float64Array | undefined {
  const n = g.n
  let x = new Float64Array(n).fill(1 / n)
  for (let it = 0; it < maxIter; it++) {
    const next = Float64Array.from(x)
    for (const [u, v] of g.edges) {
      next[u] = (next[u] as number) + (x[v] as number)
      next[v] = (next[v] as number) + (x[u] as number)
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += (next[i] as number) ** 2
    norm = Math.sqrt(norm) || 1
    let change = 0
    for (let i = 0; i < n; i++) {
      next[i] = (next[i] as number) / norm
      change += Math.abs((next[i] as number) - (x[i] as number))
    }
    x = next
    if (change < n * tol) return x
  }
  return undefined
}

/** All four centralities, or undefined when the eigenvector iteration does not converge. */
export function centralities(g: EdgeGraph, maxEigIter = 100): CentralityValues | undefined {
  const eigenvector = eigenvectorCentrality(g, maxEigIter)
  if (!eigenvector) return undefined
  return {
    degree: degreeCentrality(g),
    betweenness: betweennessCentrality(g),
    closeness: closenessCentrality(g),
    eigenvector,
  }
}
