import { defineSuite } from '../harness/spec/schema.ts'

/** The perplexity table's metrics, shared with the Zipfian control suite. */
export const PPL_METRICS = [
  'val_ppl',
  'test_ppl',
  'params',
  'flops_per_token',
  'load_max_mean',
  'load_entropy',
] as const

/** Model and training sizes: fixed per profile, so tables hide them. */
export const TRAINING_KNOBS = [
  'dModel',
  'heads',
  'layers',
  'ffn',
  'seqLength',
  'moeLayers',
  'steps',
  'batchSize',
  'learningRate',
  'evalTokens',
  'inferBatch',
  'inferSamples',
] as const

/** Every arm: [id, registry name, fixed params]. */
const ARMS = [
  ['dense', 'dense-ffn', { wide: false }],
  ['dense-wide', 'dense-ffn', { wide: true }],
  ['switch', 'switch-ffn', { alpha: 0.01, capacityFactor: 1.25 }],
  ['switch-no-aux', 'switch-ffn', { alpha: 0, capacityFactor: 1.25 }],
  ['hash-balanced', 'hash-layer', { routing: 'hash-balanced' }],
  ['hash-random', 'hash-layer', { routing: 'hash-random' }],
  ['hash-clustered', 'hash-layer', { routing: 'hash-clustered' }],
  ['hash-bigram', 'hash-layer', { routing: 'hash-bigram' }],
  ['hash-position', 'hash-layer', { routing: 'hash-position' }],
  ['multihash', 'hash-layer', { routing: 'multihash', segments: 2 }],
  ['oracle-cheating', 'hash-layer', { routing: 'oracle' }],
] as const
type ArmId = (typeof ARMS)[number][0]

type Patch = { params?: Record<string, unknown>; grid?: Record<string, unknown[]> }

/**
 * One patch per arm: `common` params and each arm's K grid (`k[id]`, else `kOther`); dense has
 * no experts.
 */
function arms(
  common: Record<string, unknown>,
  kOther: number[],
  k: Partial<Record<ArmId, number[]>> = {},
) {
  return Object.fromEntries(
    ARMS.map(([id]): [string, Patch] => {
      if (id === 'dense') return [id, { params: { ...common, experts: 1 } }]
      return [id, { params: common, grid: { experts: k[id] ?? kOther } }]
    }),
  )
}

/**
 * The default profile's model and training: every arm sees 12 Adam steps of 16×32 tokens
 * (6,144) and is measured on 2,048 validation and 2,048 test tokens.
 */
const DEFAULT_TRAINING = {
  dModel: 32,
  heads: 2,
  layers: 2,
  ffn: 64,
  seqLength: 32,
  steps: 12,
  batchSize: 16,
  learningRate: 0.01,
  evalTokens: 2048,
  inferBatch: 4,
  inferSamples: 3,
}

/**
 * Hash Layers (Roller et al. 2021) at small scale: the FFN of block 2 of a tiny decoder LM on the
 * Brown corpus replaced by K experts routed by a fixed hash of the token id, against Switch top-1
 * (with and without its load-balancing loss), a dense FFN of equal active compute and a dense FFN
 * K× wider (equal parameters), plus the brief's hash variants and the cheating target-token
 * oracle. Every arm sees the same tokens (steps × batch × T) from the same initialisation.
 *
 * Cost on the 2-core reference machine (wasm, one thread): `smoke` ~20 s; `default` 39 trials:
 * dense, Switch and hash-balanced at K ∈ {4, 16} (the K slope), every other arm at K = 16 (the
 * routing variants ranked at one K), dense-wide at K = 4; 3 seeds; 12 steps of 16×32 tokens,
 * 2,048 validation and test tokens, vocabulary 1,000 (see results/reference/hash-layers-default
 * for its time). The earlier default (45 trials, 80 steps of 8×32 tokens, 8,192 evaluation
 * tokens, ~280 s quiet) made results/reference/hash-layers; its README gives the overrides that
 * run it again;
 * `paper` (d = 64, 4 layers, 8k vocabulary, 2,000 steps of 16×64 tokens = 2M tokens per arm,
 * 10 arms × K ∈ {4, 8, 16, 32} + dense, 3 seeds = 123 trials): not run. Estimate: the default
 * trained at ~4,400 tokens per CPU-second; the paper model costs ~10× the FLOPs per token (the
 * 8k-word output layer), so ~1.3 CPU-hours per trial, ~150 CPU-hours in all: shard it
 * (`--shard i/n`).
 */
export default defineSuite({
  name: 'hash-layers',
  description:
    'Hash Layers: token-hashed expert FFNs vs Switch top-1 routing and dense FFNs on a tiny decoder LM (Brown corpus)',
  datasets: [{ name: 'brown-lm', params: { vocabSize: 8000 } }],
  subjects: ARMS.map(([id, name, params]) => ({ name, id, params })),
  baseline: 'dense',
  seeds: 3,
  timeoutS: 3600,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: { 'brown-lm': { params: { vocabSize: 200 } } },
      subjects: arms(
        {
          dModel: 8,
          heads: 2,
          layers: 2,
          ffn: 8,
          seqLength: 8,
          steps: 3,
          batchSize: 4,
          evalTokens: 64,
          inferBatch: 2,
          inferSamples: 2,
        },
        [4],
      ),
    },
    default: {
      seeds: 3,
      budgetS: 90,
      timeoutS: 600,
      datasets: { 'brown-lm': { params: { vocabSize: 1000 } } },
      subjects: arms(DEFAULT_TRAINING, [16], {
        switch: [4, 16],
        'hash-balanced': [4, 16],
        'dense-wide': [4],
      }),
    },
    paper: {
      seeds: 3,
      subjects: arms(
        {
          dModel: 64,
          heads: 4,
          layers: 4,
          ffn: 256,
          seqLength: 64,
          steps: 2000,
          batchSize: 16,
          learningRate: 0.001,
          evalTokens: 65536,
          inferBatch: 8,
          inferSamples: 15,
        },
        [4, 8, 16, 32],
      ),
    },
  },
  tables: [
    {
      name: 'ppl',
      title: 'hash-layers: perplexity, parameters and active compute per arm and K',
      metrics: [...PPL_METRICS],
      hide: [...TRAINING_KNOBS],
    },
    {
      name: 'speed',
      title:
        'hash-layers: training and sparse-dispatch inference throughput (per CPU-second; wall-clock training on a loaded machine)',
      metrics: [
        'infer_tokens_per_s',
        'ffn_tokens_per_s',
        'ffn_speed_vs_dense',
        'train_tokens_per_cpu_s',
        'train_tokens_per_s',
        'train_dropped',
      ],
      hide: [...TRAINING_KNOBS],
    },
  ],
  figures: [
    { name: 'ppl-vs-k', x: 'experts', y: 'val_ppl', color: 'subject', mark: 'line', logX: true },
    { name: 'load-max-mean', x: 'subject', y: 'load_max_mean', color: 'experts', mark: 'bar' },
    { name: 'load-entropy', x: 'subject', y: 'load_entropy', color: 'experts', mark: 'bar' },
    { name: 'ffn-speed', x: 'subject', y: 'ffn_speed_vs_dense', color: 'experts', mark: 'bar' },
  ],
})
