/**
 * Token features of the QA readers: word vectors trained from scratch (no pretrained vectors are
 * available offline) next to a character CNN (width-5 filters, tanh, max over the characters of
 * a word), optionally followed by fixed sinusoidal position channels (for the conv encoder,
 * which has no sense of order beyond its window).
 */
import * as tf from '@tensorflow/tfjs-core'
import { dense, type ParamStore } from './param-store.ts'

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

/** Stacks the k-wide neighbourhood of each step on the last axis ('same' padding), for a conv as one matMul. */
export function unfold(x: tf.Tensor3D, k: number): tf.Tensor3D {
  const [b, t, d] = x.shape
  const left = Math.floor((k - 1) / 2)
  const padded = tf.pad(x, [
    [0, 0],
    [left, k - 1 - left],
    [0, 0],
  ])
  const parts: tf.Tensor[] = []
  for (let i = 0; i < k; i++) parts.push(tf.slice(padded, [0, i, 0], [b, t, d]))
  return tf.concat(parts, 2) as tf.Tensor3D
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
      this.filters = store.matrix('emb.charConv', [(c.charWidth ?? 5) * c.charDim, c.charFilters])
      this.filterBias = store.constant('emb.charConvBias', [c.charFilters])
    }
    this.outDim = c.wordDim + c.charFilters + (c.positionChannels ?? 0)
  }

  /** words [B, T] and chars [B, T, C] ids -> [B, T, outDim]. */
  apply(words: tf.Tensor2D, chars: tf.Tensor3D): tf.Tensor3D {
    const [b, t] = words.shape
    const parts: tf.Tensor[] = [tf.gather(this.words, words)]
    if (this.chars && this.filters && this.filterBias) {
      const c = chars.shape[2]
      const e = tf.gather(this.chars, tf.reshape(chars, [b * t, c])) as tf.Tensor3D
      const conv = tf.tanh(dense(unfold(e, this.c.charWidth ?? 5), this.filters, this.filterBias))
      parts.push(tf.reshape(tf.max(conv, 1), [b, t, this.c.charFilters]))
    }
    const pc = this.c.positionChannels ?? 0
    if (pc > 0) parts.push(tf.tile(tf.expandDims(positionFeatures(t, pc), 0), [b, 1, 1]))
    return tf.concat(parts, 2) as tf.Tensor3D
  }
}
