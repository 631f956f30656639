/**
 * `ml-single-layer`: one-layer sanity graphs with ground truth, as one-layer multiplexes.
 *
 *   miserables: Les Misérables co-occurrences (vega-datasets `data/miserables.json`, 77 nodes,
 *               254 links), label = the file's `group`
 *   karate:     Zachary's karate club (graphology-generators, 34 nodes, 78 edges), label = club
 */
import { createRequire } from 'node:module'
import type { UndirectedGraph } from 'graphology'
import { z } from 'zod'
import type { DatasetDef } from '../harness/types.ts'
import { readVegaData } from './football-multiplex.ts'
import { layerFromPairs, type MultilayerGraph } from './multilayer-graph.ts'

export const SingleLayerParams = z.strictObject({
  graph: z.enum(['miserables', 'karate']).default('karate'),
})
export type SingleLayerParams = z.output<typeof SingleLayerParams>

const require = createRequire(import.meta.url)

function relabel(raw: readonly (string | number)[]): { labels: Int32Array; k: number } {
  const values = [...new Set(raw)].sort()
  return { labels: Int32Array.from(raw, (v) => values.indexOf(v)), k: values.length }
}

export function loadMiserables(): MultilayerGraph {
  const m = JSON.parse(readVegaData('miserables.json', 'ml-single-layer')) as {
    nodes: { name: string; group: number }[]
    links: { source: number; target: number }[]
  }
  const { labels, k } = relabel(m.nodes.map((x) => x.group))
  const layer = layerFromPairs(
    'miserables',
    m.links.map((l) => [l.source, l.target] as const),
  )
  return {
    n: m.nodes.length,
    layers: [layer],
    labels,
    k,
    ordered: false,
    nodeNames: m.nodes.map((x) => x.name),
  }
}

export function loadKarate(): MultilayerGraph {
  let karateClub: (G: typeof UndirectedGraph) => UndirectedGraph
  let Undirected: typeof UndirectedGraph
  try {
    karateClub = require('graphology-generators/social/karate-club')
    Undirected = require('graphology').UndirectedGraph
  } catch {
    throw new Error(
      'Cannot load ml-single-layer: the npm package "graphology-generators" is not installed',
    )
  }
  const g = karateClub(Undirected)
  const clubs: string[] = []
  g.forEachNode((node, attr) => {
    clubs[Number(node)] = String(attr.club)
  })
  const pairs: [number, number][] = []
  g.forEachEdge((_e, _a, s, t) => {
    pairs.push([Number(s), Number(t)])
  })
  const { labels, k } = relabel(clubs)
  return { n: g.order, layers: [layerFromPairs('karate', pairs)], labels, k, ordered: false }
}

export const singleLayerGraphs: DatasetDef<SingleLayerParams, MultilayerGraph> = {
  name: 'ml-single-layer',
  description:
    'One-layer sanity graphs with ground truth: Les Misérables (groups), karate club (clubs)',
  version: '1',
  params: SingleLayerParams,
  async load(_ctx, params) {
    return params.graph === 'karate' ? loadKarate() : loadMiserables()
  },
}
