/**
 * Packs QA examples into padded id tensors: passage and question word ids and masks, and the
 * characters of each distinct word of the batch once (the character CNN then runs per distinct
 * word, not per token: a batch of 32 bAbI passages holds ~1,800 tokens but ~60 distinct words).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { QaExample, Vocab } from '../../datasets/qa-text.ts'

export interface QaBatch {
  /** [B, T] word ids; 0 is padding. */
  passage: tf.Tensor2D
  /** [B, T] row of each passage token in `wordChars` (0 for padding). */
  passageWords: tf.Tensor2D
  /** [B, T] 1 for tokens, 0 for padding. */
  passageMask: tf.Tensor2D
  question: tf.Tensor2D
  questionWords: tf.Tensor2D
  questionMask: tf.Tensor2D
  /** [N, C] character ids of the batch's distinct words; row 0 (padding) is all zeros. */
  wordChars: tf.Tensor2D
  /** Index of the question's first wh-word and of the word used beside it. */
  questionType: tf.Tensor2D
  passageLengths: number[]
  starts: tf.Tensor1D
  ends: tf.Tensor1D
}

export const WH_WORDS = ['what', 'who', 'how', 'when', 'which', 'where', 'why'] as const

/**
 * Positions [t*, t*+1] of the question-type words: t* is the first wh-word (0 when there is
 * none); its neighbour is t*+1, or t*-1 when t* is the last token.
 */
export function questionTypePositions(question: readonly string[]): [number, number] {
  const found = question.findIndex((w) => (WH_WORDS as readonly string[]).includes(w))
  const t = Math.max(0, found)
  const next = t + 1 < question.length ? t + 1 : Math.max(0, t - 1)
  return [t, next]
}

export interface BatchVocab {
  words: Vocab
  chars: Vocab
  /** Characters kept per word. @default 10 */
  maxWordLength?: number
}

/** Distinct words of a batch, row 0 kept for padding. */
class WordRows {
  readonly words: string[] = ['']
  private readonly rows = new Map<string, number>()

  row(w: string): number {
    let r = this.rows.get(w)
    if (r === undefined) {
      r = this.words.length
      this.rows.set(w, r)
      this.words.push(w)
    }
    return r
  }
}

function ids(rows: readonly (readonly string[])[], v: BatchVocab, distinct: WordRows) {
  const t = Math.max(1, ...rows.map((r) => r.length))
  const words = new Int32Array(rows.length * t)
  const at = new Int32Array(rows.length * t)
  const mask = new Float32Array(rows.length * t)
  rows.forEach((row, b) => {
    row.forEach((w, i) => {
      words[b * t + i] = v.words.id(w)
      at[b * t + i] = distinct.row(w)
      mask[b * t + i] = 1
    })
  })
  return {
    words: tf.tensor2d(words, [rows.length, t], 'int32'),
    at: tf.tensor2d(at, [rows.length, t], 'int32'),
    mask: tf.tensor2d(mask, [rows.length, t]),
  }
}

function charIds(words: readonly string[], v: BatchVocab): tf.Tensor2D {
  const c = v.maxWordLength ?? 10
  const chars = new Int32Array(words.length * c)
  words.forEach((w, r) => {
    for (let k = 0; k < Math.min(c, w.length); k++) chars[r * c + k] = v.chars.id(w[k] as string)
  })
  return tf.tensor2d(chars, [words.length, c], 'int32')
}

/** Padded tensors for `examples`; the caller disposes them with `disposeBatch`. */
export function makeBatch(examples: readonly QaExample[], v: BatchVocab): QaBatch {
  const distinct = new WordRows()
  const p = ids(
    examples.map((e) => e.passage),
    v,
    distinct,
  )
  const q = ids(
    examples.map((e) => e.question),
    v,
    distinct,
  )
  const qt = examples.flatMap((e) => questionTypePositions(e.question))
  return {
    passage: p.words,
    passageWords: p.at,
    passageMask: p.mask,
    question: q.words,
    questionWords: q.at,
    questionMask: q.mask,
    wordChars: charIds(distinct.words, v),
    questionType: tf.tensor2d(qt, [examples.length, 2], 'int32'),
    passageLengths: examples.map((e) => e.passage.length),
    starts: tf.tensor1d(
      examples.map((e) => e.start),
      'int32',
    ),
    ends: tf.tensor1d(
      examples.map((e) => e.end),
      'int32',
    ),
  }
}

export function disposeBatch(b: QaBatch): void {
  tf.dispose([
    b.passage,
    b.passageWords,
    b.passageMask,
    b.question,
    b.questionWords,
    b.questionMask,
    b.wordChars,
    b.questionType,
    b.starts,
    b.ends,
  ])
}
