import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import {
  CentralityGraphsParams,
  generateCentralityGraphs,
} from '../../datasets/centrality-graphs.ts'
import { CENTRALITIES } from '../../datasets/centrality-measures.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { CentralityGnn, sigmoidBce } from './gnn.ts'
import { packBatch, trainGnn } from './train.ts'

/** Weights of the RN model, by hand: v0 + 2 message MLPs + LSTM with layer norm + decoders. */
function expectedParams(d: number, msgHidden: number, decHidden: number, tasks: number): number {
  const mlp = (dims: number[]) =>
    dims.slice(1).reduce((a, o, i) => a + (dims[i] as number) * o + o, 0)
  const msg = mlp([d, ...Array(msgHidden).fill(d), d])
  const lstm = 3 * d * 4 * d + 2 * 4 * d + 2 * d
  const w = 2 * d
  const dec = 2 * d * w + w + mlp([w, ...Array(decHidden - 1).fill(w), 1])
  return d + 2 * msg + lstm + tasks * dec
}

describe('centrality GNN', () => {
  before(async () => {
    await initTfjs({ prefer: 'wasm' })
  })

  it('parameter count matches the formula (d = 64, 3 message layers, 2 decoder layers)', () => {
    const m = new CentralityGnn(new Rng(1), {
      dim: 64,
      iterations: 1,
      messageLayers: 3,
      decoderLayers: 2,
      tasks: CENTRALITIES,
    })
    assert.equal(m.parameterCount, expectedParams(64, 3, 2, 4))
    m.dispose()
  })

  it('sigmoidBce() equals the textbook formula', () => {
    const z = tf.tensor1d([-2, 0, 3])
    const y = tf.tensor1d([1, 0, 1])
    const ref = [-Math.log(1 / (1 + Math.exp(2))), Math.log(2), -Math.log(1 / (1 + Math.exp(-3)))]
    const got = sigmoidBce(z, y).dataSync()[0] as number
    assert.ok(Math.abs(got - (ref[0]! + ref[1]! + ref[2]!) / 3) < 1e-5)
  })

  it('packBatch() offsets edges and pairs of each graph into one vertex range', () => {
    const data = generateCentralityGraphs(
      1,
      CentralityGraphsParams.parse({
        trainPerFamily: 1,
        testPerFamily: 1,
        nMin: 10,
        nMax: 12,
        extremePerFamily: 0,
        unseenPerFamily: 0,
        real: [],
      }),
    )
    const [a, b] = data.train as [(typeof data.train)[0], (typeof data.train)[0]]
    const p = packBatch([a, b], ['degree'], new Rng(1), 0)
    assert.equal(p.n, a.n + b.n)
    assert.equal(p.src.length, a.src.length + b.src.length)
    assert.equal(p.I.length, a.n * (a.n - 1) + b.n * (b.n - 1))
    assert.equal(p.src[a.src.length], (b.src[0] as number) + a.n)
    assert.ok(Array.from(p.I.subarray(a.n * (a.n - 1))).every((i) => i >= a.n))
  })

  it('a short training run lowers the loss and embeds graphs of different sizes', async () => {
    const data = generateCentralityGraphs(
      2,
      CentralityGraphsParams.parse({
        trainPerFamily: 4,
        testPerFamily: 1,
        nMin: 16,
        nMax: 24,
        extremePerFamily: 0,
        unseenPerFamily: 0,
        real: [],
      }),
    )
    const m = new CentralityGnn(new Rng(3), {
      dim: 8,
      iterations: 3,
      messageLayers: 1,
      decoderLayers: 1,
      tasks: ['degree'],
    })
    const r = await trainGnn(
      m,
      data.train,
      {
        epochs: 6,
        batchesPerEpoch: 4,
        batchSize: 4,
        learningRate: 1e-2,
        clipNorm: 1,
        trainPairs: 64,
      },
      new Rng(4),
      { now: () => 0 },
    )
    assert.ok((r.losses.at(-1) as number) < (r.losses[0] as number), r.losses.join(' '))
    const g = data.test[0]!
    const h = m.embed({ n: g.n, src: g.src, dst: g.dst })
    assert.deepEqual(h.shape, [g.n, 8])
    m.dispose()
  })
})
