/**
 * `ml-sbm`: a multilayer stochastic block model with one planted partition shared by all layers.
 *
 *   partition: N nodes in K equal blocks (node i in block i mod K, then shuffled)
 *   layer ℓ:   each node keeps its block with probability 1 − η, else draws a layer-specific
 *              random block (the heterogeneity knob); pairs connect with probability c_in/N
 *              inside a block and c_out/N across (mean degree c̄ = (c_in + (K−1)c_out)/K = 4)
 *   noise:     optional Erdős–Rényi layers of the same mean degree c̄ = (c_in + (K−1)c_out)/K
 *
 * With the defaults (c_in 7, c_out 2.5, K 3) one layer is below the Kesten–Stigum limit
 * (c_in − c_out = 4.5 < K√c̄ = 6) while the union of three layers is above it (13.5 > 10.4).
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { GraphLayer, MultilayerGraph } from './multilayer-graph.ts'

export const SbmParams = z.strictObject({
  /** Nodes. @default 300 */
  n: z.number().int().min(4).default(300),
  /** Planted blocks. @default 3 */
  k: z.number().int().min(2).default(3),
  /** Informative layers. @default 6 */
  layers: z.number().int().min(1).max(64).default(6),
  /** Within-block affinity: pairs in one block connect with probability c_in/N. @default 7 */
  cIn: z.number().min(0).default(7),
  /** Across-block affinity: pairs in different blocks connect with probability c_out/N. @default 2.5 */
  cOut: z.number().min(0).default(2.5),
  /** Fraction of nodes that take a layer-specific random block in each layer. @default 0.2 */
  eta: z.number().min(0).max(1).default(0.2),
  /** Extra pure-noise (Erdős–Rényi) layers. @default 0 */
  noiseLayers: z.number().int().min(0).default(0),
})
export type SbmParams = z.output<typeof SbmParams>

/** Kesten–Stigum signal-to-noise of one layer: (c_in − c_out) / (K √c̄); detectable above 1. */
export function ksRatio(p: Pick<SbmParams, 'k' | 'cIn' | 'cOut'>, layers = 1): number {
  const cbar = (p.cIn + (p.k - 1) * p.cOut) / p.k
  return (layers * (p.cIn - p.cOut)) / (p.k * Math.sqrt(layers * cbar))
}

function sampleLayer(rng: Rng, name: string, blocks: Int32Array, pIn: number, pOut: number) {
  const n = blocks.length
  const src: number[] = []
  const dst: number[] = []
  for (let i = 0; i < n; i++) {
    const bi = blocks[i] as number
    for (let j = i + 1; j < n; j++) {
      if (rng.next() < (bi === blocks[j] ? pIn : pOut)) {
        src.push(i)
        dst.push(j)
      }
    }
  }
  return { name, src: Int32Array.from(src), dst: Int32Array.from(dst) } satisfies GraphLayer
}

/** Generates the multilayer SBM deterministically from `seed`. */
export function generateSbm(seed: number, params: Partial<SbmParams> = {}): MultilayerGraph {
  const p = SbmParams.parse(params)
  const rng = new Rng(seed)
  const order = rng.fork('partition').shuffle(Array.from({ length: p.n }, (_, i) => i))
  const labels = new Int32Array(p.n)
  order.forEach((node, r) => {
    labels[node] = r % p.k
  })
  // Decelle et al.'s convention: p = c/N, so the mean degree is c̄ = (c_in + (K−1)c_out)/K.
  const pIn = Math.min(1, p.cIn / p.n)
  const pOut = Math.min(1, p.cOut / p.n)
  const layers: GraphLayer[] = []
  for (let l = 0; l < p.layers; l++) {
    const r = rng.fork(`layer-${l}`)
    const blocks = Int32Array.from(labels, (b) => (r.next() < p.eta ? r.int(p.k) : b))
    layers.push(sampleLayer(r, `layer-${l}`, blocks, pIn, pOut))
  }
  const cbar = (p.cIn + (p.k - 1) * p.cOut) / p.k
  for (let l = 0; l < p.noiseLayers; l++) {
    const r = rng.fork(`noise-${l}`)
    layers.push(sampleLayer(r, `noise-${l}`, new Int32Array(p.n), cbar / p.n, cbar / p.n))
  }
  return { n: p.n, layers, labels, k: p.k, ordered: false }
}

export const multilayerSbm: DatasetDef<SbmParams, MultilayerGraph> = {
  name: 'ml-sbm',
  description:
    'Multilayer SBM: a shared planted partition, each layer below the detectability limit, the union above it; heterogeneity η and noise layers',
  version: '1',
  params: SbmParams,
  async load(ctx, params) {
    return generateSbm(ctx.sharedSeed, params)
  },
}
