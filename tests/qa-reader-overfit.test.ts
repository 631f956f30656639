import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildBidaf } from '../baselines/bidaf/bidaf-reader.ts'
import { generateBabi } from '../datasets/qa-babi.ts'
import { buildCharVocab, buildWordVocab } from '../datasets/qa-text.ts'
import { initTfjs } from '../harness/backends/tfjs.ts'
import { Rng } from '../harness/run/rng.ts'
import { AmandaParams, buildAmanda } from '../methods/amanda/amanda-reader.ts'
import { ParamStore } from '../models/qa/param-store.ts'
import { ReaderParams } from '../models/qa/reader-params.ts'
import { predictSpans, scoreSpans, trainReader } from '../models/qa/train-reader.ts'

// The sanity check of the training pipeline (labels, masking, loss, optimiser): each reader must
// memorise a handful of examples. Eight questions, one batch, 40 Adam steps.
const tiny = { hidden: 6, wordDim: 8, charFilters: 4, dropout: 0, batchSize: 8 }

describe('QA readers overfit a handful of examples', () => {
  for (const [name, build, params] of [
    ['amanda', buildAmanda, AmandaParams.parse(tiny)],
    ['bidaf', buildBidaf, ReaderParams.parse(tiny)],
  ] as const) {
    it(`${name} reaches train F1 >= 0.9 on 8 generated questions`, async () => {
      await initTfjs({ prefer: 'wasm' })
      const train = generateBabi(4, { train: 8, dev: 1, test: 1 }).train
      const vocab = { words: buildWordVocab(train), chars: buildCharVocab(train) }
      const store = new ParamStore(new Rng(1))
      const dims = { vocabSize: vocab.words.size, charVocabSize: vocab.chars.size }
      const reader = build(store, params as never, dims, new Rng(2))
      const before = scoreSpans(train, predictSpans(reader, train, vocab, 5)).f1
      const r = await trainReader(reader, train, train, vocab, {
        rng: new Rng(3),
        epochs: 40,
        batchSize: 8,
        learningRate: 0.01,
        clipNorm: 5,
        maxSpan: 5,
        lrPatience: 1000,
        now: () => 0,
      })
      const after = scoreSpans(train, predictSpans(reader, train, vocab, 5)).f1
      assert.ok(after >= 0.9, `train F1 ${after} (before training ${before})`)
      assert.ok((r.losses.at(-1) as number) < (r.losses[0] as number) / 4, `losses ${r.losses}`)
      store.dispose()
    })
  }
})
