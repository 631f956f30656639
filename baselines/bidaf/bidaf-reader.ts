/**
 * A BiDAF-style reader with the same embeddings, encoders and budget as AMANDA.
 *
 *   embed (words + char CNN) -> shared BiRNN: H [T, 2h], U [J, 2h]
 *   similarity S_tj = w1.H_t + w2.U_j + w3.(H_t * U_j)
 *   context-to-query: U~_t = sum_j softmax_j(S_tj) U_j
 *   query-to-context: h~ = sum_t softmax_t(max_j S_tj) H_t, tiled over t
 *   G = [H; U~; H * U~; H * h~]  ->  modelling BiRNN: M
 *   pointers: start = w_s.[G; M], end = w_e.[G; BiRNN(M)]
 */
import * as tf from '@tensorflow/tfjs-core'
import type { z } from 'zod'
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

export const BidafParams = ReaderParams
export type BidafParams = z.output<typeof BidafParams>

export function buildBidaf(
  store: ParamStore,
  p: BidafParams,
  dims: ReaderDims,
  rng: Rng,
): QaReader {
  const h2 = 2 * p.hidden
  const { embed, shared } = buildReaderInput(store, p, dims)
  const sim = {
    h: store.matrix('sim.h', [h2, 1]),
    u: store.matrix('sim.u', [h2, 1]),
    hu: store.matrix('sim.hu', [1, h2]),
  }
  const model = new SequenceEncoder(store, 'enc.model', 4 * h2, p.hidden, p.encoder)
  const endEnc = new SequenceEncoder(store, 'enc.end', h2, p.hidden, p.encoder)
  const ws = store.matrix('ptr.start', [5 * h2, 1])
  const we = store.matrix('ptr.end', [5 * h2, 1])
  const drop = <T extends tf.Tensor>(x: T, training: boolean) =>
    dropout(x, p.dropout, rng, training)

  return {
    store,
    forward(batch: QaBatch, training: boolean) {
      const pm = batch.passageMask
      const qm = batch.questionMask
      const qLengths = tf.sum(qm, 1).arraySync() as number[]
      const x = embed.embed(batch)
      const H = drop(shared.apply(drop(x.passage, training), pm, batch.passageLengths), training)
      const U = drop(shared.apply(drop(x.question, training), qm, qLengths), training)
      // Trilinear similarity [B, T, J].
      const S = tf.add(
        tf.add(dense(H, sim.h), tf.transpose(dense(U, sim.u), [0, 2, 1])),
        tf.matMul(tf.mul(H, sim.hu), U, false, true),
      )
      const c2q = tf.matMul(maskedSoftmax(S, tf.expandDims(qm, 1)), U) // [B, T, 2h]
      const b = maskedSoftmax(maxAlong(maskLogits(S, tf.expandDims(qm, 1)), 2), pm) // [B, T]
      const q2c = tf.matMul(tf.expandDims(b, 1), H) // [B, 1, 2h]
      const G = tf.concat([H, c2q, tf.mul(H, c2q), tf.mul(H, q2c)], 2) as tf.Tensor3D
      const M = drop(model.apply(G, pm, batch.passageLengths), training)
      const M2 = drop(endEnc.apply(M, pm, batch.passageLengths), training)
      const logits = (x: tf.Tensor, w: tf.Tensor) =>
        maskLogits(tf.squeeze(dense(tf.concat([G, x], 2), w), [2]), pm) as tf.Tensor2D
      return { start: logits(M, ws), end: logits(M2, we) }
    },
  }
}
