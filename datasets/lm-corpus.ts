/**
 * The shape shared by the word-level language-modelling datasets (`brown-lm`, `zipf-lm`): a
 * vocabulary and three token streams of ids into it.
 */

/** A tokenised corpus: train/validation/test streams of ids in [0, vocab.length). */
export interface LmCorpus {
  /** Word of each id; `<unk>` and `<eos>` included where the corpus has them. */
  vocab: string[]
  /** Id of `<unk>`, or -1 when the corpus has none. */
  unk: number
  train: Int32Array
  valid: Int32Array
  test: Int32Array
}

/** Counts of each id in `ids` (length `vocabSize`). */
export function tokenCounts(ids: Int32Array, vocabSize: number): Float64Array {
  const counts = new Float64Array(vocabSize)
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1
  return counts
}
