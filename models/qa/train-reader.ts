/**
 * Training and evaluation shared by the QA readers.
 *
 *   per epoch: shuffle (seeded) -> batches: forward, span loss, clip global norm, Adam step
 *              -> dev EM/F1 -> keep the best weights; halve the learning rate when dev F1 has
 *              not improved for `lrPatience` epochs (1 in the AMANDA reference code)
 *   end:       restore the best epoch's weights
 */
import * as tf from '@tensorflow/tfjs-core'
import type { QaExample } from '../../datasets/qa-text.ts'
import type { Rng } from '../../harness/run/rng.ts'
import type { ParamStore } from './param-store.ts'
import { type BatchVocab, disposeBatch, makeBatch, type QaBatch } from './qa-batch.ts'
import { decodeSpans, spanLoss } from './span-pointer.ts'
import { scoreAnswer } from './squad-metrics.ts'

/** A reader: masked start/end logits [B, T] for a batch. */
export interface QaReader {
  store: ParamStore
  forward(batch: QaBatch, training: boolean): { start: tf.Tensor2D; end: tf.Tensor2D }
}

export interface ReaderTrainOptions {
  rng: Rng
  epochs: number
  batchSize: number
  learningRate: number
  clipNorm: number
  maxSpan: number
  /** Epochs without a dev-F1 gain before the learning rate halves. @default 1 (the reference's) */
  lrPatience?: number
  signal?: AbortSignal
  now: () => number
  onEpoch?: (epoch: number, devF1: number, loss: number) => void
}

export interface ReaderTrainResult {
  seconds: number
  bestEpoch: number
  bestDevF1: number
  losses: number[]
}

/** Best spans for `examples`, in batches. */
export function predictSpans(
  reader: QaReader,
  examples: readonly QaExample[],
  vocab: BatchVocab,
  maxSpan: number,
  batchSize = 64,
): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i < examples.length; i += batchSize) {
    const batch = makeBatch(examples.slice(i, i + batchSize), vocab)
    const [s, e] = tf.tidy(() => {
      const { start, end } = reader.forward(batch, false)
      return [tf.logSoftmax(start), tf.logSoftmax(end)]
    }) as [tf.Tensor2D, tf.Tensor2D]
    out.push(
      ...decodeSpans(s.dataSync(), e.dataSync(), s.shape[1], batch.passageLengths, maxSpan, true),
    )
    tf.dispose([s, e])
    disposeBatch(batch)
  }
  return out
}

export interface SpanScores {
  em: number
  f1: number
  /** Mean F1 per value of the grouping key. */
  byType: Map<string, { f1: number; em: number; n: number }>
  byHops: Map<string, { f1: number; em: number; n: number }>
}

/** SQuAD-style EM/F1 of predicted spans, overall and per question type and reasoning tag. */
export function scoreSpans(
  examples: readonly QaExample[],
  spans: readonly [number, number][],
): SpanScores {
  const byType = new Map<string, { f1: number; em: number; n: number }>()
  const byHops = new Map<string, { f1: number; em: number; n: number }>()
  let em = 0
  let f1 = 0
  examples.forEach((ex, k) => {
    const [i, j] = spans[k] as [number, number]
    const s = scoreAnswer(ex.passage.slice(i, j + 1).join(' '), ex.answers)
    em += s.em
    f1 += s.f1
    for (const [map, key] of [
      [byType, ex.type],
      [byHops, ex.hops],
    ] as const) {
      const g = map.get(key) ?? { f1: 0, em: 0, n: 0 }
      map.set(key, { f1: g.f1 + s.f1, em: g.em + s.em, n: g.n + 1 })
    }
  })
  for (const map of [byType, byHops])
    for (const [k, g] of map) map.set(k, { f1: g.f1 / g.n, em: g.em / g.n, n: g.n })
  const n = Math.max(1, examples.length)
  return { em: em / n, f1: f1 / n, byType, byHops }
}

/** Trains `reader` in place on `train`, selecting the epoch by dev F1. */
export async function trainReader(
  reader: QaReader,
  train: readonly QaExample[],
  dev: readonly QaExample[],
  vocab: BatchVocab,
  o: ReaderTrainOptions,
): Promise<ReaderTrainResult> {
  const optimizer = tf.train.adam(o.learningRate)
  const lr = optimizer as unknown as { learningRate: number }
  const shuffle = o.rng.fork('shuffle')
  const order = train.map((_, i) => i)
  const vars = reader.store.variables
  let best = { epoch: 0, f1: -1, weights: undefined as tf.Tensor[] | undefined }
  let ms = 0
  let stale = 0
  const losses: number[] = []
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      shuffle.shuffle(order)
      const t0 = o.now()
      let lossSum = 0
      let batches = 0
      for (let b = 0; b < order.length; b += o.batchSize) {
        o.signal?.throwIfAborted()
        const batch = makeBatch(
          order.slice(b, b + o.batchSize).map((i) => train[i] as QaExample),
          vocab,
        )
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => {
            const { start, end } = reader.forward(batch, true)
            return spanLoss(start, end, batch.starts, batch.ends)
          }, vars)
          const list = vars.map((v) => grads[v.name] as tf.Tensor)
          const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))))
          const scale = tf.minimum(1, tf.div(o.clipNorm, tf.add(norm, 1e-6)))
          optimizer.applyGradients(
            vars.map((v, i) => ({ name: v.name, tensor: tf.mul(list[i] as tf.Tensor, scale) })),
          )
          return value
        })
        lossSum += loss.dataSync()[0] as number
        loss.dispose()
        disposeBatch(batch)
        batches++
      }
      ms += o.now() - t0
      losses.push(lossSum / Math.max(1, batches))
      const devF1 = scoreSpans(dev, predictSpans(reader, dev, vocab, o.maxSpan)).f1
      o.onEpoch?.(epoch, devF1, lossSum / Math.max(1, batches))
      if (devF1 > best.f1) {
        stale = 0
        tf.dispose(best.weights ?? [])
        best = { epoch, f1: devF1, weights: reader.store.snapshot() }
      } else {
        if (++stale >= (o.lrPatience ?? 1)) {
          lr.learningRate /= 2
          stale = 0
        }
      }
    }
  } finally {
    optimizer.dispose()
  }
  if (best.weights) reader.store.restore(best.weights)
  return { seconds: ms / 1000, bestEpoch: best.epoch, bestDevF1: best.f1, losses }
}
