/**
 * Skip-gram with negative sampling (word2vec's SGNS) over a walk corpus, in typed arrays.
 *
 *   init:     input vectors uniform in ±0.5/d, output vectors 0
 *   pairs:    for each token, a window b drawn uniformly in 1..w, every context within b
 *   update:   the centre's input vector against the context's output vector (label 1) and k
 *             noise tokens drawn from unigram^0.75 by an alias table (label 0); see sgnsUpdate
 *   schedule: learning rate decays linearly from lr to lr·1e-4 over all epochs
 */
import type { Rng } from '../../harness/run/rng.ts'
import { type AliasTable, buildAlias, drawAlias } from './alias.ts'
import type { WalkCorpus } from './walks.ts'

export interface SkipGramParams {
  dim: number
  window: number
  negatives: number
  epochs: number
  lr: number
}

export interface SkipGramModel {
  dim: number
  vocab: number
  /**
   * Context vocabulary: a context token t is predicted as t mod `contexts` (= vocab: one output
   * vector per state; = N: the copies of a node share one output vector).
   */
  contexts: number
  /** Input (node) vectors, row-major vocab × dim: the embedding. */
  input: Float32Array
  /** Output (context) vectors. */
  output: Float32Array
  noise: AliasTable
}

function sigmoid(x: number): number {
  if (x > 10) return 1
  if (x < -10) return 0
  return 1 / (1 + Math.exp(-x))
}

/**
 * One SGNS step for centre `c` against targets `t[0..m)` with labels `y` (1 for the true context,
 * 0 for noise): for each target, g = lr·(y − σ(u_c·v_t)); v_t += g·u_c; and u_c += Σ g·v_t (with
 * the v_t before their update). `grad` is a dim-long scratch buffer.
 */
export function sgnsUpdate(
  input: Float32Array,
  output: Float32Array,
  dim: number,
  c: number,
  targets: ArrayLike<number>,
  labels: ArrayLike<number>,
  m: number,
  lr: number,
  grad: Float32Array,
): void {
  const ci = c * dim
  grad.fill(0)
  for (let k = 0; k < m; k++) {
    const to = (targets[k] as number) * dim
    let f = 0
    for (let d = 0; d < dim; d++) f += (input[ci + d] as number) * (output[to + d] as number)
    const y = labels[k] as number
    const s = sigmoid(f)
    const g = lr * (y - s)
    for (let d = 0; d < dim; d++) {
      grad[d] = (grad[d] as number) + g * (output[to + d] as number)
      output[to + d] = (output[to + d] as number) + g * (input[ci + d] as number)
    }
  }
  for (let d = 0; d < dim; d++) input[ci + d] = (input[ci + d] as number) + (grad[d] as number)
}

/** A fresh model for `corpus` (noise table from its context counts). */
export function initSkipGram(
  rng: Rng,
  corpus: WalkCorpus,
  dim: number,
  contexts = corpus.vocab,
): SkipGramModel {
  const counts = new Float64Array(contexts)
  for (let i = 0; i < corpus.tokens.length; i++)
    counts[(corpus.tokens[i] as number) % contexts] =
      (counts[(corpus.tokens[i] as number) % contexts] as number) + 1
  for (let v = 0; v < contexts; v++) counts[v] = (counts[v] as number) ** 0.75
  const input = new Float32Array(corpus.vocab * dim)
  for (let i = 0; i < input.length; i++) input[i] = (rng.next() - 0.5) / dim
  return {
    dim,
    vocab: corpus.vocab,
    contexts,
    input,
    output: new Float32Array(contexts * dim),
    noise: buildAlias(counts),
  }
}

/**
 * Trains `model` on the walks `[fromWalk, toWalk)` of `corpus` for `epochs` passes, the learning
 * rate decaying linearly from `lr` to `lr·1e-4`. Returns the number of (centre, context) pairs.
 */
export function trainSkipGram(
  rng: Rng,
  model: SkipGramModel,
  corpus: WalkCorpus,
  p: Omit<SkipGramParams, 'dim'>,
  fromWalk = 0,
  toWalk = corpus.walks,
): number {
  const { dim, input, output, noise } = model
  const { tokens, walkLength: t } = corpus
  const C = model.contexts
  const targets = new Int32Array(p.negatives + 1)
  const labels = new Int32Array(p.negatives + 1)
  labels[0] = 1
  const grad = new Float32Array(dim)
  const total = Math.max(1, (toWalk - fromWalk) * t * p.epochs)
  let seen = 0
  let pairs = 0
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let w = fromWalk; w < toWalk; w++) {
      const base = w * t
      for (let i = 0; i < t; i++) {
        const lr = p.lr * Math.max(1e-4, 1 - seen / total)
        seen++
        const centre = tokens[base + i] as number
        const b = 1 + rng.int(p.window)
        const lo = Math.max(0, i - b)
        const hi = Math.min(t - 1, i + b)
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue
          const context = (tokens[base + j] as number) % C
          targets[0] = context
          let m = 1
          for (let k = 0; k < p.negatives; k++) {
            const neg = drawAlias(rng, noise.prob, noise.alias, 0, C)
            if (neg === context) continue
            targets[m] = neg
            labels[m] = 0
            m++
          }
          sgnsUpdate(input, output, dim, centre, targets, labels, m, lr, grad)
          pairs++
        }
      }
    }
  }
  return pairs
}
