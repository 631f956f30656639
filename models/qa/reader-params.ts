/** Parameters every QA reader shares (sizes, encoder, training budget), so budgets match. */
import { z } from 'zod'
import type { ParamStore } from './param-store.ts'
import { ENCODERS, SequenceEncoder } from './sequence-encoder.ts'
import { WordCharEmbedding } from './word-char-embedding.ts'

export const ReaderParams = z.strictObject({
  /** 'lstm' | 'gru' (true recurrences) or 'conv' (fast CPU stand-in). @default 'conv' */
  encoder: z.enum(ENCODERS).default('conv'),
  /** Hidden size h of each direction (encoder outputs are 2h wide). @default 24 */
  hidden: z.number().int().min(1).default(24),
  wordDim: z.number().int().min(1).default(32),
  charDim: z.number().int().min(1).default(8),
  /** Character-CNN filters; 0 turns the character CNN off. @default 16 */
  charFilters: z.number().int().min(0).default(16),
  /** Sinusoidal position channels (used when encoder is 'conv'). @default 8 */
  positionChannels: z.number().int().min(0).multipleOf(2).default(8),
  /** Dropout after the embedding and each encoder. @default 0.1 */
  dropout: z.number().min(0).max(0.9).default(0.1),
  epochs: z.number().int().min(1).default(6),
  batchSize: z.number().int().min(1).default(32),
  learningRate: z.number().positive().default(0.002),
  /** Epochs without a dev-F1 gain before the learning rate halves. @default 1 (as the reference) */
  lrPatience: z.number().int().min(1).default(1),
  /** Global gradient-norm clip. @default 5 */
  clipNorm: z.number().positive().default(5),
  /** Longest span decoded. @default 5 */
  maxSpan: z.number().int().min(1).default(5),
  /** Latency sampling time for one question, ms. @default 200 */
  latencyMs: z.number().positive().default(200),
})
export type ReaderParams = z.output<typeof ReaderParams>

/**
 * The input side every reader shares: word + character embeddings and the shared sequence
 * encoder applied to passage and question, built from the common parameters so that the method
 * and its baseline get the same embeddings and budget.
 */
export function buildReaderInput(
  store: ParamStore,
  p: ReaderParams,
  dims: { vocabSize: number; charVocabSize: number },
): { embed: WordCharEmbedding; shared: SequenceEncoder } {
  const embed = new WordCharEmbedding(store, {
    vocabSize: dims.vocabSize,
    charVocabSize: dims.charVocabSize,
    wordDim: p.wordDim,
    charDim: p.charDim,
    charFilters: p.charFilters,
    positionChannels: p.encoder === 'conv' ? p.positionChannels : 0,
  })
  const shared = new SequenceEncoder(store, 'enc.shared', embed.outDim, p.hidden, p.encoder)
  return { embed, shared }
}
