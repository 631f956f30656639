/**
 * Shared text pieces of the extractive QA datasets: the example shape, a tokenizer, and word and
 * character vocabularies built from training text only (test words unseen in training map to
 * `<unk>`, so a held-out template cannot be memorised through its words).
 */

/** One extractive question: the answer is the token span [start, end] (inclusive) of `passage`. */
export interface QaExample {
  id: string
  passage: string[]
  question: string[]
  start: number
  end: number
  /** Every acceptable answer text (the gold span's text first). */
  answers: string[]
  /** Question family, e.g. `where-object`, `capital`. */
  type: string
  /** Reasoning tag: `1-hop`, `2-hop`, `coref`, `count`. */
  hops: string
  /** Index of the question template (test uses templates unseen in training). */
  template: number
}

export interface QaSplits {
  train: QaExample[]
  dev: QaExample[]
  test: QaExample[]
}

/** Lower-cases and splits into words (unicode letters and digits) and single punctuation marks. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[^\s\p{L}\p{N}]/gu) ?? []
}

export const PAD = '<pad>'
export const UNK = '<unk>'

/** A token -> id map with `<pad>` = 0 and `<unk>` = 1. */
export class Vocab {
  readonly tokens: string[]
  private readonly ids: Map<string, number>

  constructor(tokens: Iterable<string>) {
    this.tokens = [PAD, UNK]
    this.ids = new Map([
      [PAD, 0],
      [UNK, 1],
    ])
    for (const t of tokens) {
      if (!this.ids.has(t)) {
        this.ids.set(t, this.tokens.length)
        this.tokens.push(t)
      }
    }
  }

  get size(): number {
    return this.tokens.length
  }

  id(token: string): number {
    return this.ids.get(token) ?? 1
  }
}

/** Word vocabulary of the training passages and questions, in order of first appearance. */
export function buildWordVocab(train: readonly QaExample[]): Vocab {
  const seen: string[] = []
  for (const ex of train) seen.push(...ex.passage, ...ex.question)
  return new Vocab(seen)
}

/** Character vocabulary of the training text, sorted so it does not depend on example order. */
export function buildCharVocab(train: readonly QaExample[]): Vocab {
  const chars = new Set<string>()
  for (const ex of train)
    for (const w of [...ex.passage, ...ex.question]) for (const c of w) chars.add(c)
  return new Vocab([...chars].sort())
}

/** Joins tokens the way answers are written (single spaces). */
export function detokenize(tokens: readonly string[]): string {
  return tokens.join(' ')
}
