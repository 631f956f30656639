/**
 * Token features of the QA readers: word vectors trained from scratch (no pretrained vectors are
 * available offline) next to a character CNN (width-5 filters, tanh, max over the characters of
 * a word), optionally followed by fixed sinusoidal position channels (for the conv encoder,
 * which has no sense of order beyond its window).
 *
 * The character CNN runs once per distinct word of the batch (`QaBatch.wordChars`) and its
 * features are gathered per token: the same values as running it per token, at a fraction of
 * the cost.
 */
import * as tf from '@tensorflow/tfjs-core'
import { maxAlong } from './max-along.ts'
import type { ParamStore } from './param-store.ts'
import type { QaBatch } from './qa-batch.ts'

export interface EmbeddingConfig {
  vocabSize: number
  charVocabSize: number
  wordDim: number
  charDim: number
  /** Char-CNN filters; 0 turns the character CNN off. */
  charFilters: number
  /** @default 5 */
  charWidth?: number
  /** Sinusoidal position channels appended (even). @default 0 */
  positionChannels?: number
}

/** Fixed sin/cos position features [T, channels]. */
export function positionFeatures(t: number, channels: number): tf.Tensor2D {
  const values = new Float32Array(t * channels)
  for (let p = 0; p < t; p++)
    for (let i = 0; i < channels / 2; i++) {
      const rate = 1 / 30 ** ((2 * i) / channels)
      values[p * channels + 2 * i] = Math.sin(p * rate)
      values[p * channels + 2 * i + 1] = Math.cos(p * rate)
    }
  return tf.tensor2d(values, [t, channels])
}

export class WordCharEmbedding {
  readonly outDim: number
  private readonly c: EmbeddingConfig
  private readonly words: tf.Variable
  private readonly chars: tf.Variable | undefined
  private readonly filters: tf.Variable | undefined
  private readonly filterBias: tf.Variable | undefined

  constructor(store: ParamStore, c: EmbeddingConfig) {
    this.c = c
    this.words = store.normal('emb.words', [c.vocabSize, c.wordDim], 0.1)
    if (c.charFilters > 0) {
      this.chars = store.normal('emb.chars', [c.charVocabSize, c.charDim], 0.1)
      this.filters = store.matrix('emb.charConv', [c.charWidth ?? 5, c.charDim, c.charFilters])
      this.filterBias = store.constant('emb.charConvBias', [c.charFilters])
    }
    this.outDim = c.wordDim + c.charFilters + (c.positionChannels ?? 0)
  }

  /** Character-CNN features [N, filters] of words given as character ids [N, C]. */
  charFeatures(chars: tf.Tensor2D): tf.Tensor2D | undefined {
    if (!this.chars || !this.filters || !this.filterBias) return undefined
    const e = tf.gather(this.chars, chars) as tf.Tensor3D // [N, C, charDim]
    const conv = tf.conv1d(e, this.filters as tf.Tensor3D, 1, 'same')
    return maxAlong(tf.tanh(tf.add(conv, this.filterBias)), 1) as tf.Tensor2D
  }

  /** words [B, T] ids and rows [B, T] into `char` features [N, F] -> [B, T, outDim]. */
  apply(words: tf.Tensor2D, rows: tf.Tensor2D, char: tf.Tensor2D | undefined): tf.Tensor3D {
    const [b, t] = words.shape
    const parts: tf.Tensor[] = [tf.gather(this.words, words)]
    if (char) parts.push(tf.gather(char, rows))
    const pc = this.c.positionChannels ?? 0
    if (pc > 0) parts.push(tf.tile(tf.expandDims(positionFeatures(t, pc), 0), [b, 1, 1]))
    return tf.concat(parts, 2) as tf.Tensor3D
  }

  /** Passage [B, T, outDim] and question [B, U, outDim] features of a batch. */
  embed(batch: QaBatch): { passage: tf.Tensor3D; question: tf.Tensor3D } {
    const char = this.charFeatures(batch.wordChars)
    return {
      passage: this.apply(batch.passage, batch.passageWords, char),
      question: this.apply(batch.question, batch.questionWords, char),
    }
  }
}
