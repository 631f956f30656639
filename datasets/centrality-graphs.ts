/**
 * `centrality-graphs`: the multitask-centrality study's graphs with their reference centralities.
 *
 *   train     the four training families (ER, power-law tree, WS, Holme–Kim), n ~ U{nMin..nMax}
 *   test      the same families and sizes, drawn from an independent stream
 *   extreme   the same families at n ~ U{extremeMin..extremeMax} (size generalisation)
 *   unseen    Barabási–Albert and random shell at the training sizes (unseen distributions)
 *   real      the real graphs of real-graphs-centrality.ts
 *
 * Connected graphs only; random graphs whose A+I power iteration does not converge in 100 steps
 * are discarded and drawn again (as the reference does). Deterministic per seed.
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import {
  type CentralityFamily,
  type EdgeGraph,
  generateConnected,
  TRAIN_FAMILIES,
  UNSEEN_FAMILIES,
} from './centrality-generators.ts'
import { type CentralityValues, centralities } from './centrality-measures.ts'
import {
  loadRealCentralityGraph,
  REAL_CENTRALITY_GRAPHS,
  type RealCentralityGraph,
} from './real-graphs-centrality.ts'

/** One graph, ready for message passing (both edge directions) and for labelling pairs. */
export interface CentralityGraph {
  name: string
  /** Generator family, or `real`. */
  family: CentralityFamily | 'real'
  n: number
  /** Directed edge lists, both directions of every undirected edge. */
  src: Int32Array
  dst: Int32Array
  values: CentralityValues
}

export interface CentralityGraphs {
  train: CentralityGraph[]
  test: CentralityGraph[]
  extreme: CentralityGraph[]
  unseen: CentralityGraph[]
  real: CentralityGraph[]
}

export const CentralityGraphsParams = z.strictObject({
  /** Training graphs per training family. @default 64 */
  trainPerFamily: z.number().int().min(1).default(64),
  /** Test graphs per training family. @default 16 */
  testPerFamily: z.number().int().min(1).default(16),
  nMin: z.number().int().min(4).default(32),
  nMax: z.number().int().min(4).default(128),
  /** Size-generalisation graphs per training family (0: none). @default 4 */
  extremePerFamily: z.number().int().min(0).default(4),
  extremeMin: z.number().int().min(4).default(128),
  extremeMax: z.number().int().min(4).default(256),
  /** Graphs per unseen family (BA, shell) at the training sizes (0: none). @default 16 */
  unseenPerFamily: z.number().int().min(0).default(16),
  /** Real graphs to include. */
  real: z
    .array(z.enum(REAL_CENTRALITY_GRAPHS))
    .default(['karate', 'lesmis', 'countries', 'airports']),
})
export type CentralityGraphsParams = z.output<typeof CentralityGraphsParams>

/** Packs an edge list and its centralities into a CentralityGraph. */
export function toCentralityGraph(
  name: string,
  family: CentralityGraph['family'],
  g: EdgeGraph,
  values: CentralityValues,
): CentralityGraph {
  const m = g.edges.length
  const src = new Int32Array(2 * m)
  const dst = new Int32Array(2 * m)
  g.edges.forEach(([u, v], i) => {
    src[2 * i] = u
    dst[2 * i] = v
    src[2 * i + 1] = v
    dst[2 * i + 1] = u
  })
  return { name, family, n: g.n, src, dst, values }
}

/** Connected graphs of one family with converged centralities, n ~ U{lo..hi}. */
export function drawCentralityGraphs(
  rng: Rng,
  family: CentralityFamily,
  count: number,
  lo: number,
  hi: number,
  prefix: string,
): CentralityGraph[] {
  const out: CentralityGraph[] = []
  let attempts = 0
  while (out.length < count) {
    if (++attempts > 50 * count + 100)
      throw new RangeError(
        `Cannot draw ${count} "${family}" graphs with converged eigenvector centrality on ${lo}..${hi} vertices`,
      )
    const n = lo + rng.int(hi - lo + 1)
    const g = generateConnected(rng, family, n)
    const values = centralities(g)
    if (values) out.push(toCentralityGraph(`${prefix}-${family}-${out.length}`, family, g, values))
  }
  return out
}

/** Real graphs do not depend on the seed: computed once per process. */
const realMemo = new Map<RealCentralityGraph, CentralityGraph>()

export function realCentralityGraph(name: RealCentralityGraph): CentralityGraph {
  let g = realMemo.get(name)
  if (!g) {
    const edges = loadRealCentralityGraph(name)
    // Real graphs get a longer power iteration: they are not discarded.
    const values = centralities(edges, 10000)
    if (!values)
      throw new RangeError(`Cannot compute eigenvector centrality of "${name}": no convergence`)
    g = toCentralityGraph(name, 'real', edges, values)
    realMemo.set(name, g)
  }
  return g
}

export function generateCentralityGraphs(
  seed: number,
  p: CentralityGraphsParams,
): CentralityGraphs {
  const root = new Rng(seed)
  const split = (
    label: string,
    families: readonly CentralityFamily[],
    count: number,
    lo: number,
    hi: number,
  ) =>
    families.flatMap((f) =>
      drawCentralityGraphs(root.fork(`${label}:${f}`), f, count, lo, hi, label),
    )
  return {
    train: split('train', TRAIN_FAMILIES, p.trainPerFamily, p.nMin, p.nMax),
    test: split('test', TRAIN_FAMILIES, p.testPerFamily, p.nMin, p.nMax),
    extreme: split('extreme', TRAIN_FAMILIES, p.extremePerFamily, p.extremeMin, p.extremeMax),
    unseen: split('unseen', UNSEEN_FAMILIES, p.unseenPerFamily, p.nMin, p.nMax),
    real: p.real.map(realCentralityGraph),
  }
}

export const centralityGraphs: DatasetDef<CentralityGraphsParams, CentralityGraphs> = {
  name: 'centrality-graphs',
  description:
    'Random connected graphs (ER, power-law tree, Watts-Strogatz, Holme-Kim; unseen BA and shell) and real graphs, with degree, betweenness, closeness and eigenvector centralities',
  version: '1',
  params: CentralityGraphsParams,
  async load(ctx, params) {
    return generateCentralityGraphs(ctx.seed, params)
  },
}
