/**
 * Training of the centrality GNN: batches of disjoint graphs, BCE over vertex pairs summed over
 * the model's tasks, Adam with global-norm clipping (the reference: lr 2e-5, clip 0.65, every
 * ordered pair). `trainPairs` > 0 samples that many ordered pairs per graph and step instead of
 * all of them (a budget knob; 0 keeps all pairs).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { CentralityGraph } from '../../datasets/centrality-graphs.ts'
import type { Centrality } from '../../datasets/centrality-measures.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { type PairScorer, pairLabels, pairsOf } from './evaluate.ts'
import { type CentralityGnn, type GraphBatch, sigmoidBce } from './gnn.ts'

export interface TrainConfig {
  epochs: number
  batchesPerEpoch: number
  /** Graphs per batch. */
  batchSize: number
  learningRate: number
  clipNorm: number
  /** Ordered pairs sampled per graph and step; 0: all pairs. */
  trainPairs: number
}

export interface TrainResult {
  seconds: number
  graphs: number
  /** Mean loss per epoch. */
  losses: number[]
}

/** One batch: the graphs' edges and chosen pairs, offset into one vertex range. */
export function packBatch(
  graphs: readonly CentralityGraph[],
  tasks: readonly Centrality[],
  rng: Rng,
  pairsPerGraph: number,
): {
  n: number
  src: Int32Array
  dst: Int32Array
  I: Int32Array
  J: Int32Array
  labels: Map<Centrality, Float32Array>
} {
  let n = 0
  let e = 0
  const chosen = graphs.map((g) => {
    const p = pairsOf(g.n, rng, pairsPerGraph > 0 ? pairsPerGraph : Number.POSITIVE_INFINITY)
    const r = { g, p, offset: n, edgeOffset: e }
    n += g.n
    e += g.src.length
    return r
  })
  const P = chosen.reduce((a, c) => a + c.p.I.length, 0)
  const src = new Int32Array(e)
  const dst = new Int32Array(e)
  const I = new Int32Array(P)
  const J = new Int32Array(P)
  const labels = new Map(tasks.map((t) => [t, new Float32Array(P)] as const))
  let k = 0
  for (const { g, p, offset, edgeOffset } of chosen) {
    for (let i = 0; i < g.src.length; i++) {
      src[edgeOffset + i] = (g.src[i] as number) + offset
      dst[edgeOffset + i] = (g.dst[i] as number) + offset
    }
    for (const t of tasks) (labels.get(t) as Float32Array).set(pairLabels(g.values[t], p.I, p.J), k)
    for (let i = 0; i < p.I.length; i++) {
      I[k + i] = (p.I[i] as number) + offset
      J[k + i] = (p.J[i] as number) + offset
    }
    k += p.I.length
  }
  return { n, src, dst, I, J, labels }
}

export async function trainGnn(
  model: CentralityGnn,
  graphs: readonly CentralityGraph[],
  cfg: TrainConfig,
  rng: Rng,
  hooks: { now(): number; signal?: AbortSignal; onEpoch?(epoch: number, loss: number): void },
): Promise<TrainResult> {
  const optimizer = tf.train.adam(cfg.learningRate)
  const vars = model.store.variables
  const losses: number[] = []
  const t0 = hooks.now()
  let seen = 0
  let order: CentralityGraph[] = []
  const next = () => {
    if (order.length === 0) order = rng.shuffle([...graphs])
    return order.pop() as CentralityGraph
  }
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      let sum = 0
      for (let b = 0; b < cfg.batchesPerEpoch; b++) {
        if (hooks.signal?.aborted) throw new Error('Cannot finish training: the trial was aborted')
        const picked = Array.from({ length: Math.min(cfg.batchSize, graphs.length) }, next)
        const packed = packBatch(picked, model.tasks, rng, cfg.trainPairs)
        const loss = tf.tidy(() => {
          const batch: GraphBatch = { n: packed.n, src: packed.src, dst: packed.dst }
          const { I, J } = packed
          const { value, grads } = tf.variableGrads(() => {
            const h = model.embed(batch)
            let total: tf.Scalar = tf.scalar(0)
            for (const t of model.tasks)
              total = tf.add(
                total,
                sigmoidBce(
                  model.decode(t, h, I, J),
                  tf.tensor1d(packed.labels.get(t) as Float32Array),
                ),
              )
            return total
          }, vars)
          const list = Object.values(grads)
          const norm = tf
            .sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))))
            .dataSync()[0] as number
          const scale = norm > cfg.clipNorm ? cfg.clipNorm / norm : 1
          const clipped: tf.NamedTensorMap = {}
          for (const [k, g] of Object.entries(grads))
            clipped[k] = scale === 1 ? g : tf.mul(g, scale)
          optimizer.applyGradients(clipped as Parameters<typeof optimizer.applyGradients>[0])
          return value
        })
        sum += loss.dataSync()[0] as number
        loss.dispose()
        seen += picked.length
        await new Promise<void>((r) => setImmediate(r))
      }
      losses.push(sum / cfg.batchesPerEpoch)
      hooks.onEpoch?.(epoch + 1, sum / cfg.batchesPerEpoch)
    }
  } finally {
    optimizer.dispose()
  }
  return { seconds: (hooks.now() - t0) / 1000, graphs: seen, losses }
}

/** The trained model as a comparator: embed the graph once, decode pairs in chunks. */
export function gnnScorer(model: CentralityGnn, chunk = 32768): PairScorer {
  return (g, I, J) =>
    tf.tidy(() => {
      const batch: GraphBatch = { n: g.n, src: g.src, dst: g.dst }
      const h = model.embed(batch)
      const out: Partial<Record<Centrality, Float32Array>> = {}
      for (const t of model.tasks) {
        const p = new Float32Array(I.length)
        for (let s = 0; s < I.length; s += chunk) {
          const e = Math.min(I.length, s + chunk)
          const logits = model.decode(t, h, I.subarray(s, e), J.subarray(s, e))
          p.set(tf.sigmoid(logits).dataSync() as Float32Array, s)
        }
        out[t] = p
      }
      return out
    })
}
