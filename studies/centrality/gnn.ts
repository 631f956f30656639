/**
 * The RN centrality GNN (Avelar et al.): no input features, one learned initial vector, T rounds of
 * message passing, per-centrality pairwise decoders.
 *
 *   h⁰_v = v₀/√d (one learned vector, every vertex), c⁰_v = 0
 *   for t = 1..T:
 *     m_v = [Σ_{u∈N(v)} MLP_src(h_u) ; Σ_{u∈N(v)} MLP_tgt(h_u)]     gather + segment sum over the edge list
 *     (h_v, c_v) ← LayerNormLSTM(m_v, (h_v, c_v)), ReLU activation, forget bias 1
 *   logit_c(i, j) = MLP_c([h_i ; h_j])  ≈ logit of P(c(i) > c(j))
 *
 * Message MLPs: `messageLayers` hidden ReLU layers of width d, linear output d. Decoders:
 * `decoderLayers` hidden ReLU layers of width 2d, one output. The first decoder layer is applied
 * per vertex and gathered per pair (W[h_i; h_j] = W_a h_i + W_b h_j), which is exact and saves a
 * pair-sized matmul. Graphs of a batch are disjoint blocks of one edge list.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Centrality } from '../../datasets/centrality-measures.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from '../../models/qa/param-store.ts'
import { edgeAggregate, pairGatherAdd } from './sparse-ops.ts'

export interface GnnConfig {
  /** Embedding width d. */
  dim: number
  /** Message-passing rounds T. */
  iterations: number
  /** Hidden layers of each message MLP (width d). */
  messageLayers: number
  /** Hidden layers of each decoder (width 2d). */
  decoderLayers: number
  tasks: readonly Centrality[]
}

/** A batch of disjoint graphs: n vertices in all, directed edges (both directions) src → dst. */
export interface GraphBatch {
  n: number
  src: Int32Array
  dst: Int32Array
}

interface Layer {
  w: tf.Variable
  b: tf.Variable
}

const LN_EPS = 1e-3

function layerNorm(x: tf.Tensor, gain: tf.Tensor, shift: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), gain), shift)
}

export class CentralityGnn {
  readonly config: GnnConfig
  readonly store: ParamStore
  private readonly v0: tf.Variable
  private readonly msgSrc: Layer[]
  private readonly msgTgt: Layer[]
  private readonly lstmW: tf.Variable
  private readonly lnGain: tf.Variable
  private readonly lnShift: tf.Variable
  private readonly cellGain: tf.Variable
  private readonly cellShift: tf.Variable
  private readonly decoders: Map<Centrality, { first: tf.Variable[]; rest: Layer[] }>

  constructor(rng: Rng, config: GnnConfig) {
    this.config = config
    const store = new ParamStore(rng)
    this.store = store
    const d = config.dim
    this.v0 = store.normal('v0', [1, d], 1)
    const mlp = (name: string, inDim: number, width: number, hidden: number, out: number) => {
      const layers: Layer[] = []
      let prev = inDim
      for (let i = 0; i <= hidden; i++) {
        const o = i === hidden ? out : width
        layers.push({
          w: store.matrix(`${name}.w${i}`, [prev, o]),
          b: store.constant(`${name}.b${i}`, [o]),
        })
        prev = o
      }
      return layers
    }
    this.msgSrc = mlp('msg_src', d, d, config.messageLayers, d)
    this.msgTgt = mlp('msg_tgt', d, d, config.messageLayers, d)
    // LSTM: input 2d (the two messages) + hidden d -> 4 gates of d; no bias (layer norm shifts).
    this.lstmW = store.matrix('lstm.w', [3 * d, 4 * d])
    this.lnGain = store.constant('lstm.ln_gain', [4, d], 1)
    this.lnShift = store.constant('lstm.ln_shift', [4, d], 0)
    this.cellGain = store.constant('lstm.cell_gain', [d], 1)
    this.cellShift = store.constant('lstm.cell_shift', [d], 0)
    this.decoders = new Map()
    for (const task of config.tasks) {
      const w = 2 * d
      if (config.decoderLayers < 1) throw new RangeError('decoderLayers must be >= 1')
      const first = [
        store.matrix(`dec_${task}.w0a`, [d, w]),
        store.matrix(`dec_${task}.w0b`, [d, w]),
        store.constant(`dec_${task}.b0`, [w]),
      ]
      const rest = mlp(`dec_${task}.rest`, w, w, config.decoderLayers - 1, 1)
      this.decoders.set(task, { first, rest })
    }
  }

  get parameterCount(): number {
    return this.store.count
  }

  private static apply(x: tf.Tensor, layers: readonly Layer[]): tf.Tensor {
    let h = x
    layers.forEach((l, i) => {
      h = tf.add(tf.matMul(h as tf.Tensor2D, l.w as tf.Tensor2D), l.b)
      if (i < layers.length - 1) h = tf.relu(h)
    })
    return h
  }

  /** Vertex embeddings [n, d] after T rounds. */
  embed(batch: GraphBatch): tf.Tensor2D {
    const d = this.config.dim
    const n = batch.n
    let h: tf.Tensor = tf.tile(tf.div(this.v0, Math.sqrt(d)), [n, 1])
    let c: tf.Tensor = tf.zeros([n, d])
    for (let t = 0; t < this.config.iterations; t++) {
      const msgs = tf.concat(
        [CentralityGnn.apply(h, this.msgSrc), CentralityGnn.apply(h, this.msgTgt)],
        1,
      )
      const m = edgeAggregate(msgs as tf.Tensor2D, batch.src, batch.dst, n)
      const gates = tf.reshape(
        tf.matMul(tf.concat([m, h], 1) as tf.Tensor2D, this.lstmW as tf.Tensor2D),
        [n, 4, d],
      )
      const normed = layerNorm(gates, this.lnGain, this.lnShift)
      const [i, j, f, o] = tf.unstack(normed, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
      c = tf.add(tf.mul(c, tf.sigmoid(tf.add(f, 1))), tf.mul(tf.sigmoid(i), tf.relu(j)))
      c = layerNorm(c, this.cellGain, this.cellShift)
      h = tf.mul(tf.relu(c), tf.sigmoid(o))
    }
    return h as tf.Tensor2D
  }

  /** Logits of P(c(i) > c(j)) for the vertex pairs (I[k], J[k]). */
  decode(task: Centrality, h: tf.Tensor2D, I: Int32Array, J: Int32Array): tf.Tensor1D {
    const dec = this.decoders.get(task)
    if (!dec) throw new RangeError(`Cannot decode "${task}": the model has no such decoder`)
    const [wa, wb, b0] = dec.first as [tf.Variable, tf.Variable, tf.Variable]
    const a: tf.Tensor2D = tf.matMul(h, wa as tf.Tensor2D)
    const b: tf.Tensor2D = tf.matMul(h, wb as tf.Tensor2D)
    const z = tf.relu(tf.add(pairGatherAdd(a, b, I, J), b0))
    return tf.reshape(CentralityGnn.apply(z, dec.rest), [-1]) as tf.Tensor1D
  }

  get tasks(): readonly Centrality[] {
    return this.config.tasks
  }

  dispose(): void {
    this.store.dispose()
  }
}

/** Mean sigmoid binary cross-entropy, stable form: max(z,0) − z·y + log(1 + e^−|z|). */
export function sigmoidBce(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(
    tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, labels)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    ),
  ) as tf.Scalar
}
