/**
 * `zipf-lm`: a synthetic control for token-hashed routing. A first-order Markov chain over a
 * Zipfian vocabulary where the next-token law is a token-specific map of the Zipf law:
 *
 *   rank r ~ Zipf(exponent) over [0, V)
 *   next = r                              with probability 1 − mix (the shared unigram law)
 *   next = (a_x · r + b_x) mod V          with probability mix (x = current token)
 *
 * with a_x coprime to V and b_x drawn per token (a linear map over Z_V). The best predictor of
 * the next token is a function of the current token alone, so hashing the current token is
 * exactly the right routing feature; position and the previous token carry no extra information.
 */
import { z } from 'zod'
import { Rng } from '../harness/run/rng.ts'
import type { DatasetDef } from '../harness/types.ts'
import type { LmCorpus } from './lm-corpus.ts'

export const ZipfLmParams = z.strictObject({
  /** @default 512 */
  vocabSize: z.number().int().min(2).default(512),
  /** Zipf exponent of the rank law. @default 1.1 */
  exponent: z.number().positive().default(1.1),
  /** Weight of the token-specific map against the shared unigram law. @default 0.8 */
  mix: z.number().min(0).max(1).default(0.8),
  /** @default 200000 */
  trainTokens: z.number().int().positive().default(200_000),
  /** @default 20000 */
  validTokens: z.number().int().positive().default(20_000),
  /** @default 20000 */
  testTokens: z.number().int().positive().default(20_000),
  /** @default 0 */
  seed: z.number().int().nonnegative().default(0),
})
export type ZipfLmParams = z.output<typeof ZipfLmParams>

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** The chain's per-token maps: multiplier a_x (coprime to V) and offset b_x. */
export function zipfMaps(vocabSize: number, rng: Rng): { a: Int32Array; b: Int32Array } {
  const a = new Int32Array(vocabSize)
  const b = new Int32Array(vocabSize)
  for (let x = 0; x < vocabSize; x++) {
    let m = 1 + rng.int(Math.max(1, vocabSize - 1))
    while (gcd(m, vocabSize) !== 1) m = 1 + rng.int(Math.max(1, vocabSize - 1))
    a[x] = m
    b[x] = rng.int(vocabSize)
  }
  return { a, b }
}

/** Generates the corpus (pure given the params). */
export function buildZipfLm(p: ZipfLmParams): LmCorpus {
  const V = p.vocabSize
  const root = new Rng(p.seed).fork('zipf-lm')
  const { a, b } = zipfMaps(V, root.fork('maps'))
  const cdf = new Float64Array(V)
  let total = 0
  for (let r = 0; r < V; r++) {
    total += 1 / (r + 1) ** p.exponent
    cdf[r] = total
  }
  const rank = (u: number) => {
    const target = u * total
    let lo = 0
    let hi = V - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cdf[mid] as number) < target) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const stream = (n: number, rng: Rng) => {
    const out = new Int32Array(n)
    let x = rank(rng.next())
    for (let i = 0; i < n; i++) {
      out[i] = x
      const r = rank(rng.next())
      x = rng.next() < p.mix ? ((a[x] as number) * r + (b[x] as number)) % V : r
    }
    return out
  }
  return {
    vocab: Array.from({ length: V }, (_, i) => `w${i}`),
    unk: -1,
    train: stream(p.trainTokens, root.fork('train')),
    valid: stream(p.validTokens, root.fork('valid')),
    test: stream(p.testTokens, root.fork('test')),
  }
}

export const zipfLm: DatasetDef<ZipfLmParams, LmCorpus> = {
  name: 'zipf-lm',
  description:
    'Synthetic Zipfian Markov chain whose next-token law is a token-specific linear map (hash-routing control)',
  version: '1',
  params: ZipfLmParams,
  load: async (_ctx, params) => buildZipfLm(params),
}
