/** Packs QA examples into padded id tensors (passage and question words, characters, masks). */
import * as tf from '@tensorflow/tfjs-core'
import type { QaExample, Vocab } from '../../datasets/qa-text.ts'

export interface QaBatch {
  /** [B, T] word ids; 0 is padding. */
  passage: tf.Tensor2D
  /** [B, T, C] character ids. */
  passageChars: tf.Tensor3D
  /** [B, T] 1 for tokens, 0 for padding. */
  passageMask: tf.Tensor2D
  question: tf.Tensor2D
  questionChars: tf.Tensor3D
  questionMask: tf.Tensor2D
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

function ids(rows: readonly (readonly string[])[], v: BatchVocab) {
  const t = Math.max(1, ...rows.map((r) => r.length))
  const c = v.maxWordLength ?? 10
  const words = new Int32Array(rows.length * t)
  const chars = new Int32Array(rows.length * t * c)
  const mask = new Float32Array(rows.length * t)
  rows.forEach((row, b) => {
    row.forEach((w, i) => {
      words[b * t + i] = v.words.id(w)
      mask[b * t + i] = 1
      for (let k = 0; k < Math.min(c, w.length); k++)
        chars[(b * t + i) * c + k] = v.chars.id(w[k] as string)
    })
  })
  return {
    words: tf.tensor2d(words, [rows.length, t], 'int32'),
    chars: tf.tensor3d(chars, [rows.length, t, c], 'int32'),
    mask: tf.tensor2d(mask, [rows.length, t]),
  }
}

/** Padded tensors for `examples`; the caller disposes them with `disposeBatch`. */
export function makeBatch(examples: readonly QaExample[], v: BatchVocab): QaBatch {
  const p = ids(
    examples.map((e) => e.passage),
    v,
  )
  const q = ids(
    examples.map((e) => e.question),
    v,
  )
  const qt = examples.flatMap((e) => questionTypePositions(e.question))
  return {
    passage: p.words,
    passageChars: p.chars,
    passageMask: p.mask,
    question: q.words,
    questionChars: q.chars,
    questionMask: q.mask,
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
    b.passageChars,
    b.passageMask,
    b.question,
    b.questionChars,
    b.questionMask,
    b.questionType,
    b.starts,
    b.ends,
  ])
}
