/**
 * AMANDA, the question-focused multi-factor attention network for extractive QA, as a tfjs reader.
 *
 *   embed (words + char CNN) -> shared BiRNN: D [T, 2h], Q [U, 2h]
 *   passage->question attention: A = D Q^T, G = softmax_row(A) Q, S = [D; G], gated, V = BiRNN(S)
 *   multi-factor self-attention: F = max_k V (W_k V + b_k)^T, M = softmax_row(F) V,
 *                                Y = [V; M] gated, Z = BiRNN(Y)
 *   question vector: q_ma = sum_j softmax_j(max_i A_ij) Q_j, q_f = [Q_t*; Q_t*+1],
 *                    q = tanh(W_q [q_ma; q_f] + b_q)
 *   pointers: start = Z q, end = BiRNN(Z) q
 *
 * Ablations are parameters: `factors` (m; 0 removes the self-attention step), `aggregation`
 * ('mean' replaces max-attentional pooling) and `questionType` (false drops q_f). Unlike the
 * reference code, padding is masked in every softmax.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { Rng } from '../../harness/run/rng.ts'
import { dropout } from '../../models/qa/dropout.ts'
import { maxAlong } from '../../models/qa/max-along.ts'
import { dense, type ParamStore } from '../../models/qa/param-store.ts'
import type { QaBatch } from '../../models/qa/qa-batch.ts'
import { buildReaderInput, ReaderParams } from '../../models/qa/reader-params.ts'
import { SequenceEncoder } from '../../models/qa/sequence-encoder.ts'
import { maskedSoftmax, maskLogits } from '../../models/qa/span-pointer.ts'
import type { QaReader } from '../../models/qa/train-reader.ts'
import type { ReaderDims } from '../../studies/qa/reader-trial.ts'

export const AmandaParams = ReaderParams.extend({
  /** Attention factors m; 1 is single-factor, 0 removes the self-attention step. @default 4 */
  factors: z.number().int().min(0).max(16).default(4),
  /** Question aggregation: max-attentional ('max') or a plain mean ('mean'). @default 'max' */
  aggregation: z.enum(['max', 'mean']).default('max'),
  /** Use the question-type vector q_f. @default true */
  questionType: z.boolean().default(true),
})
export type AmandaParams = z.output<typeof AmandaParams>

/** Rows of [B, U, d] at positions [B, k] -> [B, k * d]. */
function gatherRows(x: tf.Tensor3D, at: tf.Tensor2D): tf.Tensor2D {
  const [b, u, d] = x.shape
  const k = at.shape[1]
  const offsets = tf.tensor2d(
    Array.from({ length: b }, (_, i) => i * u),
    [b, 1],
    'int32',
  )
  const flat = tf.reshape(tf.add(at, offsets), [b * k])
  return tf.reshape(tf.gather(tf.reshape(x, [b * u, d]), flat), [b, k * d])
}

export function buildAmanda(
  store: ParamStore,
  p: AmandaParams,
  dims: ReaderDims,
  rng: Rng,
): QaReader {
  const h2 = 2 * p.hidden
  const { embed, shared } = buildReaderInput(store, p, dims)
  const gateS = {
    w: store.matrix('gate.s', [2 * h2, 2 * h2]),
    b: store.constant('gate.sBias', [2 * h2]),
  }
  const encV = new SequenceEncoder(store, 'enc.v', 2 * h2, p.hidden, p.encoder)
  const factors =
    p.factors > 0
      ? {
          w: store.matrix('mf.w', [h2, p.factors * h2]),
          b: store.constant('mf.b', [p.factors * h2]),
        }
      : undefined
  const gateY = factors
    ? { w: store.matrix('gate.y', [2 * h2, 2 * h2]), b: store.constant('gate.yBias', [2 * h2]) }
    : undefined
  const encZ = new SequenceEncoder(store, 'enc.z', factors ? 2 * h2 : h2, p.hidden, p.encoder)
  const encE = new SequenceEncoder(store, 'enc.e', h2, p.hidden, p.encoder)
  const qIn = p.questionType ? 3 * h2 : h2
  const wq = { w: store.matrix('q.w', [qIn, h2]), b: store.constant('q.b', [h2]) }
  const drop = <T extends tf.Tensor>(x: T, training: boolean) =>
    dropout(x, p.dropout, rng, training)

  return {
    store,
    forward(batch: QaBatch, training: boolean) {
      const pm = batch.passageMask
      const qm = batch.questionMask
      const qLengths = tf.sum(qm, 1).arraySync() as number[]
      const x = embed.embed(batch)
      const xp = drop(x.passage, training)
      const xq = drop(x.question, training)
      const D = drop(shared.apply(xp, pm, batch.passageLengths), training)
      const Q = drop(shared.apply(xq, qm, qLengths), training)
      // Passage -> question attention and the gated passage representation V.
      const A = tf.matMul(D, Q, false, true) // [B, T, U]
      const G = tf.matMul(maskedSoftmax(A, tf.expandDims(qm, 1)), Q)
      const S = tf.concat([D, G], 2)
      const gatedS = tf.mul(tf.sigmoid(dense(S, gateS.w, gateS.b)), S) as tf.Tensor3D
      const V = drop(encV.apply(gatedS, pm, batch.passageLengths), training)
      // Multi-factor self-attention: m bilinear scores per pair, max over the factors.
      let Y: tf.Tensor3D = V
      if (factors && gateY) {
        const [b, t] = V.shape
        const proj = tf.reshape(
          tf.transpose(
            tf.reshape(dense(V, factors.w, factors.b), [b, t, p.factors, h2]),
            [0, 2, 1, 3],
          ),
          [b, p.factors * t, h2],
        )
        const F = maxAlong(tf.reshape(tf.matMul(proj, V, false, true), [b, p.factors, t, t]), 1)
        const M = tf.matMul(maskedSoftmax(F, tf.expandDims(pm, 1)), V)
        const cat = tf.concat([V, M], 2)
        Y = tf.mul(tf.sigmoid(dense(cat, gateY.w, gateY.b)), cat) as tf.Tensor3D
      }
      const Z = drop(encZ.apply(Y, pm, batch.passageLengths), training)
      // Question vector: max-attentional (or mean) aggregation, plus the question-type words.
      let qAgg: tf.Tensor2D
      if (p.aggregation === 'max') {
        const a = maxAlong(maskLogits(A, tf.expandDims(pm, 2)), 1) // [B, U]
        qAgg = tf.squeeze(tf.matMul(tf.expandDims(maskedSoftmax(a, qm), 1), Q), [1]) as tf.Tensor2D
      } else {
        qAgg = tf.div(
          tf.sum(tf.mul(Q, tf.expandDims(qm, 2)), 1),
          tf.expandDims(tf.sum(qm, 1), 1),
        ) as tf.Tensor2D
      }
      const qParts = p.questionType ? [qAgg, gatherRows(Q, batch.questionType)] : [qAgg]
      const q = tf.tanh(dense(tf.concat(qParts, 1), wq.w, wq.b))
      const qCol = tf.expandDims(q, 2) // [B, 2h, 1]
      const start = maskLogits(tf.squeeze(tf.matMul(Z, qCol), [2]), pm) as tf.Tensor2D
      const Ze = drop(encE.apply(Z, pm, batch.passageLengths), training)
      const end = maskLogits(tf.squeeze(tf.matMul(Ze, qCol), [2]), pm) as tf.Tensor2D
      return { start, end }
    },
  }
}
