import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MultilayerGraph } from '../../datasets/multilayer-graph.ts'
import {
  auc,
  f1Scores,
  layerGraph,
  layerModularities,
  multisliceModularity,
  nmi,
} from './metrics.ts'

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`)

/** Two triangles {0,1,2} and {3,4,5} joined by the edge 2–3 (m = 7). */
const barbell = {
  name: 'barbell',
  src: Int32Array.from([0, 0, 1, 3, 3, 4, 2]),
  dst: Int32Array.from([1, 2, 2, 4, 5, 5, 3]),
}
const twoLayers: MultilayerGraph = {
  n: 6,
  layers: [barbell, barbell],
  labels: Int32Array.from([0, 0, 0, 1, 1, 1]),
  k: 2,
  ordered: false,
}

describe('multilayer metrics', () => {
  it('nmi() is 1 for equal partitions, 0 for independent ones, and matches a hand value', () => {
    close(nmi([0, 0, 1, 1], [1, 1, 0, 0]), 1)
    close(nmi([0, 0, 1, 1], [0, 1, 0, 1]), 0)
    // H(a) = ln 2, H(b) = H(1/3, 2/3), I = (1/3)ln 2 + (1/6)ln(1/2) + (1/2)ln(3/2).
    close(nmi([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]), 0.478704, 1e-5)
  })

  it('auc() counts ties as half: 7.5 of 9 pairs', () => {
    close(auc([0.9, 0.8, 0.4], [0.5, 0.3, 0.4]), 7.5 / 9)
    close(auc([1, 2], [3, 4]), 0)
  })

  it('f1Scores() gives micro 0.8 and macro (2/3 + 4/5 + 1)/3 on a hand case', () => {
    const s = f1Scores([0, 0, 1, 1, 2], [0, 1, 1, 1, 2], 3)
    close(s.micro, 0.8)
    close(s.macro, (2 / 3 + 4 / 5 + 1) / 3)
  })

  it('layerModularities() gives 5/14 for the triangles of the barbell (graphology-metrics)', () => {
    const graphs = twoLayers.layers.map((l) => layerGraph(6, l))
    const q = layerModularities(twoLayers, graphs, twoLayers.labels)
    assert.equal(q.length, 2)
    for (const v of q) close(v, 5 / 14)
  })

  it('multisliceModularity() matches the hand value with aligned and with swapped labels', () => {
    // Intra-layer part 2m·Q = 5 per layer; 12 coupling terms (6 nodes × 2 ordered layer pairs).
    close(multisliceModularity(twoLayers, twoLayers.labels), (5 + 5 + 12) / (14 + 14 + 12))
    // Layer 2's communities renamed: same per-layer modularity, no coupling term agrees.
    const swapped = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0])
    close(multisliceModularity(twoLayers, swapped), 10 / 40)
    // Ordered (time) coupling with two layers couples the same pairs.
    close(multisliceModularity({ ...twoLayers, ordered: true }, twoLayers.labels), 22 / 40)
  })
})
