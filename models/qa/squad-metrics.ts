/**
 * SQuAD-style answer scoring: normalise (lower-case, drop punctuation, drop the articles a/an/the,
 * collapse white space), then exact match and token-level F1, each the max over the gold answers.
 */

/** The SQuAD v1.1 answer normalisation. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .join(' ')
}

/** 1 when the normalised strings are equal, else 0. */
export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0
}

/** Harmonic mean of token precision and recall over the normalised bags of tokens. */
export function f1Score(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean)
  const g = normalizeAnswer(gold).split(' ').filter(Boolean)
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0
  const counts = new Map<string, number>()
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1)
  let common = 0
  for (const t of p) {
    const c = counts.get(t) ?? 0
    if (c > 0) {
      common++
      counts.set(t, c - 1)
    }
  }
  if (common === 0) return 0
  const precision = common / p.length
  const recall = common / g.length
  return (2 * precision * recall) / (precision + recall)
}

/** Exact match and F1 of one prediction, each the best over the gold answers. */
export function scoreAnswer(
  prediction: string,
  golds: readonly string[],
): { em: number; f1: number } {
  if (golds.length === 0) throw new RangeError('Cannot score an answer: no gold answers')
  let em = 0
  let f1 = 0
  for (const g of golds) {
    em = Math.max(em, exactMatch(prediction, g))
    f1 = Math.max(f1, f1Score(prediction, g))
  }
  return { em, f1 }
}
