/**
 * Real graphs for the centrality study, read from npm packages (no download), each reduced to its
 * largest connected component and relabelled 0..n-1:
 *
 *   karate     Zachary's karate club (graphology-generators), 34 vertices
 *   lesmis     Les Misérables co-appearances (vega-datasets miserables.json), 77
 *   countries  land borders between countries (world-countries `borders`)
 *   flare      flare software class dependencies (vega-datasets flare-dependencies.json)
 *   airports   US airports linked by a flight route (vega-datasets flights-airport.csv)
 *   counties   US counties sharing a border (shared arcs of vega-datasets us-10m.json), ~3.1k
 *
 * vega-datasets' football.json is not used: its teams form five disconnected leagues, each a
 * near-complete round robin, where every vertex ties on every centrality.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { EdgeGraph } from './centrality-generators.ts'
import { adjacency } from './centrality-generators.ts'

export const REAL_CENTRALITY_GRAPHS = [
  'karate',
  'lesmis',
  'countries',
  'flare',
  'airports',
  'counties',
] as const
export type RealCentralityGraph = (typeof REAL_CENTRALITY_GRAPHS)[number]

const require = createRequire(import.meta.url)

function need(pkg: string, path: string): unknown {
  try {
    return require(path)
  } catch {
    throw new Error(
      `Cannot load the real centrality graphs: the npm package "${pkg}" is not installed`,
    )
  }
}

/** A file of vega-datasets' data/ folder (the package exports no subpaths). */
function vegaText(file: string): string {
  let main: string
  try {
    main = require.resolve('vega-datasets')
  } catch {
    throw new Error(
      'Cannot load the real centrality graphs: the npm package "vega-datasets" is not installed',
    )
  }
  return readFileSync(join(dirname(main), '..', 'data', file), 'utf8')
}

/** A simple undirected graph from labelled edges; self-loops and repeats dropped, LCC kept. */
export function fromLabelledEdges(pairs: Iterable<readonly [string, string]>): EdgeGraph {
  const index = new Map<string, number>()
  const id = (k: string) => {
    let i = index.get(k)
    if (i === undefined) {
      i = index.size
      index.set(k, i)
    }
    return i
  }
  const seen = new Set<string>()
  const edges: [number, number][] = []
  for (const [a, b] of pairs) {
    if (a === b) continue
    const u = id(a)
    const v = id(b)
    const e: [number, number] = u < v ? [u, v] : [v, u]
    const key = `${e[0]},${e[1]}`
    if (seen.has(key)) continue
    seen.add(key)
    edges.push(e)
  }
  return largestComponent({ n: index.size, edges })
}

/** The largest connected component, relabelled in increasing order of the old labels. */
export function largestComponent(g: EdgeGraph): EdgeGraph {
  const adj = adjacency(g)
  const comp = new Int32Array(g.n).fill(-1)
  let best = -1
  let bestSize = 0
  let c = 0
  for (let s = 0; s < g.n; s++) {
    if (comp[s] !== -1) continue
    const stack = [s]
    comp[s] = c
    let size = 0
    while (stack.length > 0) {
      const u = stack.pop() as number
      size++
      for (const v of adj[u] as number[])
        if (comp[v] === -1) {
          comp[v] = c
          stack.push(v)
        }
    }
    if (size > bestSize) {
      bestSize = size
      best = c
    }
    c++
  }
  const relabel = new Int32Array(g.n).fill(-1)
  let k = 0
  for (let v = 0; v < g.n; v++) if (comp[v] === best) relabel[v] = k++
  const edges: [number, number][] = []
  for (const [u, v] of g.edges)
    if (comp[u] === best) edges.push([relabel[u] as number, relabel[v] as number])
  return { n: k, edges }
}

function karate(): EdgeGraph {
  const gen = need('graphology-generators', 'graphology-generators/social/karate-club') as {
    default?: unknown
  }
  const { UndirectedGraph } = need('graphology', 'graphology') as {
    UndirectedGraph: new () => unknown
  }
  const make = (gen.default ?? gen) as (ctor: unknown) => {
    forEachEdge(cb: (e: string, a: unknown, s: string, t: string) => void): void
  }
  const pairs: [string, string][] = []
  make(UndirectedGraph).forEachEdge((_e, _a, s, t) => pairs.push([s, t]))
  return fromLabelledEdges(pairs)
}

function lesmis(): EdgeGraph {
  const m = JSON.parse(vegaText('miserables.json')) as {
    links: { source: number; target: number }[]
  }
  return fromLabelledEdges(m.links.map((l) => [String(l.source), String(l.target)] as const))
}

function countries(): EdgeGraph {
  const list = need('world-countries', 'world-countries') as { cca3: string; borders: string[] }[]
  return fromLabelledEdges(list.flatMap((c) => c.borders.map((b) => [c.cca3, b] as const)))
}

function flare(): EdgeGraph {
  const deps = JSON.parse(vegaText('flare-dependencies.json')) as {
    source: number
    target: number
  }[]
  return fromLabelledEdges(deps.map((d) => [String(d.source), String(d.target)] as const))
}

function airports(): EdgeGraph {
  const rows = vegaText('flights-airport.csv').trim().split('\n').slice(1)
  return fromLabelledEdges(
    rows.map((r) => {
      const [a, b] = r.split(',')
      return [a ?? '', b ?? ''] as const
    }),
  )
}

/** Counties are neighbours when their polygons share a topology arc (arc i and ~i are one arc). */
function counties(): EdgeGraph {
  const topo = JSON.parse(vegaText('us-10m.json')) as {
    objects: { counties: { geometries: { id?: number | string; arcs: unknown }[] } }
  }
  const byArc = new Map<number, string[]>()
  const walk = (x: unknown, id: string) => {
    if (typeof x === 'number') {
      const a = x < 0 ? ~x : x
      const list = byArc.get(a) ?? []
      if (!list.includes(id)) list.push(id)
      byArc.set(a, list)
    } else if (Array.isArray(x)) for (const y of x) walk(y, id)
  }
  topo.objects.counties.geometries.forEach((g, i) => {
    walk(g.arcs, String(g.id ?? `#${i}`))
  })
  const pairs: [string, string][] = []
  for (const ids of byArc.values())
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) pairs.push([ids[i] as string, ids[j] as string])
  return fromLabelledEdges(pairs)
}

const LOADERS: Record<RealCentralityGraph, () => EdgeGraph> = {
  karate,
  lesmis,
  countries,
  flare,
  airports,
  counties,
}

/** Loads one real graph (largest connected component). */
export function loadRealCentralityGraph(name: RealCentralityGraph): EdgeGraph {
  return LOADERS[name]()
}
