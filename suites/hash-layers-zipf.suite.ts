import { defineSuite } from '../harness/spec/schema.ts'
import { PPL_METRICS, TRAINING_KNOBS } from './hash-layers.suite.ts'

const ARMS = [
  ['dense', 'dense-ffn', { wide: false, experts: 1 }],
  ['switch', 'switch-ffn', { alpha: 0.01, capacityFactor: 1.25 }],
  ['hash-balanced', 'hash-layer', { routing: 'hash-balanced' }],
  ['hash-random', 'hash-layer', { routing: 'hash-random' }],
  ['hash-bigram', 'hash-layer', { routing: 'hash-bigram' }],
  ['hash-position', 'hash-layer', { routing: 'hash-position' }],
] as const

function arms(common: Record<string, unknown>) {
  return Object.fromEntries(ARMS.map(([id]) => [id, { params: common }]))
}

/**
 * The Hash Layers arms on the synthetic Zipfian control (`zipf-lm`): a Markov chain whose
 * next-token law is a token-specific linear map, so the current token is exactly the feature a
 * router needs. K = 8 experts at block 2. Cost here: `smoke` ~10 s; `default` 18 trials with the
 * Brown default's training (12 steps of 16×32 tokens, 2,048 evaluation tokens; its time in
 * results/reference/hash-layers-zipf-default); `paper` 18 trials at 1,000 steps (about an hour).
 * The earlier default (80 steps of 8×32 tokens, 4,096 evaluation tokens) made
 * results/reference/hash-layers-zipf; its README gives the overrides that run it again.
 */
export default defineSuite({
  name: 'hash-layers-zipf',
  description:
    'Hash Layers control: hash vs Switch vs dense FFNs on a synthetic Zipfian chain with token-specific next-token maps',
  datasets: [{ name: 'zipf-lm', params: { vocabSize: 256, trainTokens: 100_000 } }],
  subjects: ARMS.map(([id, name, params]) => ({ name, id, params: { experts: 8, ...params } })),
  baseline: 'dense',
  seeds: 3,
  timeoutS: 1800,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: {
        'zipf-lm': {
          params: { vocabSize: 32, trainTokens: 2000, validTokens: 200, testTokens: 200 },
        },
      },
      subjects: arms({
        dModel: 8,
        ffn: 8,
        seqLength: 8,
        steps: 3,
        batchSize: 4,
        evalTokens: 64,
        inferBatch: 2,
        inferSamples: 2,
      }),
    },
    default: {
      seeds: 3,
      timeoutS: 600,
      budgetS: 90,
      subjects: arms({
        dModel: 32,
        ffn: 64,
        seqLength: 32,
        steps: 12,
        batchSize: 16,
        learningRate: 0.01,
        evalTokens: 2048,
        inferBatch: 4,
        inferSamples: 3,
      }),
    },
    paper: {
      seeds: 3,
      subjects: arms({
        dModel: 32,
        ffn: 64,
        seqLength: 32,
        steps: 1000,
        batchSize: 16,
        learningRate: 0.003,
        evalTokens: 16384,
      }),
    },
  },
  tables: [
    {
      name: 'ppl',
      title: 'hash-layers-zipf: perplexity and load per arm (K = 8)',
      metrics: [...PPL_METRICS],
      hide: [...TRAINING_KNOBS],
    },
  ],
  figures: [{ name: 'ppl', x: 'subject', y: 'val_ppl', mark: 'bar' }],
})
