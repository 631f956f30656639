/**
 * One QA trial, shared by AMANDA and the BiDAF-style baseline so that both are trained and scored
 * the same way: vocabularies from training text -> build the reader from a seeded Rng -> train
 * (dev F1 picks the epoch) -> test EM/F1 overall, per question type and per reasoning tag ->
 * parameter count and single-question latency.
 */
import * as tf from '@tensorflow/tfjs-core'
import { buildCharVocab, buildWordVocab, type QaSplits } from '../../datasets/qa-text.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { measureLatency } from '../../harness/measure/latency.ts'
import type { Rng } from '../../harness/run/rng.ts'
import { median } from '../../harness/stats/describe.ts'
import { type Metrics, metric, type TrialContext } from '../../harness/types.ts'
import { ParamStore } from '../../models/qa/param-store.ts'
import { disposeBatch, makeBatch } from '../../models/qa/qa-batch.ts'
import type { ReaderParams } from '../../models/qa/reader-params.ts'
import {
  predictSpans,
  type QaReader,
  scoreSpans,
  trainReader,
} from '../../models/qa/train-reader.ts'

/** Sizes a reader builder needs beyond its parameters. */
export interface ReaderDims {
  vocabSize: number
  charVocabSize: number
}

export type BuildReader<P extends ReaderParams> = (
  store: ParamStore,
  params: P,
  dims: ReaderDims,
  rng: Rng,
) => QaReader

/** Metric name for a question type or tag: `f1_where_object`. */
export const f1Metric = (key: string) => `f1_${key.replace(/[^a-z0-9]+/gi, '_')}`

export async function runReaderTrial<P extends ReaderParams>(
  ctx: TrialContext,
  data: QaSplits,
  params: P,
  build: BuildReader<P>,
): Promise<Metrics> {
  const runtime = await initTfjs()
  ctx.annotate('backend', runtime.backend)
  ctx.annotate('encoder', params.encoder)
  const vocab = { words: buildWordVocab(data.train), chars: buildCharVocab(data.train) }
  const store = new ParamStore(ctx.rng.fork('init'))
  try {
    const reader = build(
      store,
      params,
      { vocabSize: vocab.words.size, charVocabSize: vocab.chars.size },
      ctx.rng.fork('dropout'),
    )
    const trained = await trainReader(reader, data.train, data.dev, vocab, {
      rng: ctx.rng,
      epochs: params.epochs,
      batchSize: params.batchSize,
      learningRate: params.learningRate,
      clipNorm: params.clipNorm,
      maxSpan: params.maxSpan,
      lrPatience: params.lrPatience,
      signal: ctx.signal,
      now: () => ctx.now(),
      onEpoch: (e, f1, loss) => {
        ctx.progress.update(
          e,
          params.epochs,
          `dev F1 ${(100 * f1).toFixed(1)} loss ${loss.toFixed(3)}`,
        )
      },
    })
    const test = scoreSpans(data.test, predictSpans(reader, data.test, vocab, params.maxSpan))
    const one = makeBatch(data.test.slice(0, 1), vocab)
    const { samples } = await measureLatency(
      () => {
        const { start, end } = tf.tidy(() => reader.forward(one, false))
        start.dataSync()
        tf.dispose([start, end])
      },
      { timeMs: params.latencyMs, minSamples: 5 },
    )
    disposeBatch(one)
    const out: Metrics = {
      f1: metric(100 * test.f1, '%', 'higher'),
      em: metric(100 * test.em, '%', 'higher'),
      dev_f1: metric(100 * trained.bestDevF1, '%', 'higher'),
      train_s: metric(trained.seconds, 's', 'lower'),
      final_loss: metric(trained.losses[trained.losses.length - 1] ?? Number.NaN, 'nats', 'lower'),
      params: metric(store.count, 'weights', 'lower'),
      latency_ms: metric(median(samples), 'ms', 'lower', samples),
    }
    for (const [key, g] of [...test.byType, ...test.byHops])
      out[f1Metric(key)] = metric(100 * g.f1, '%', 'higher')
    return out
  } finally {
    store.dispose()
  }
}
