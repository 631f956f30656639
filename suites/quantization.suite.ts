import { defineSuite } from '../harness/spec/schema.ts'

/**
 * The quantization matrix (survey of Gholami et al. 2021, brief §3.4) on real MNIST digits: every
 * subject quantizes the same trained float mlp / lenet5 (trained once per dataset point and seed).
 * Each subject entry is one axis of the matrix; `default` keeps the mlp and the decisive contrasts
 * (plus lenet5 through the integer-only and onnxruntime checks), `paper` runs the full grid on
 * mlp, lenet5 and the small VGG-style cnn.
 */

/** The float network: the same for every subject, so the artifact cache trains it once. */
const NET = { epochs: 3, batchSize: 64, learningRate: 0.002 }
const MODELS = ['mlp', 'lenet5', 'cnn']
const SMOKE_NET = { epochs: 1, batchSize: 64, learningRate: 0.002 }

/** A patch for every subject id: the float-net params plus the given grid. */
function patch(
  net: object,
  models: string[],
  extra: Record<string, { params?: object; grid?: Record<string, unknown[]> }>,
) {
  const out: Record<string, { params: Record<string, unknown>; grid: Record<string, unknown[]> }> =
    {}
  for (const id of IDS) {
    const e = extra[id] ?? {}
    out[id] = {
      params: { ...net, ...(e.params ?? {}) },
      grid: { model: models, ...(e.grid ?? {}) },
    }
  }
  return out
}

const IDS = [
  'fp32',
  'ptq-bits',
  'ptq-acalib',
  'ptq-rounding',
  'ptq-scheme',
  'ptq-helpers',
  'qat-w4a4',
  'qat-w2a2',
  'mixed',
  'integer',
] as const

export default defineSuite({
  name: 'quantization',
  description:
    'Quantization matrix on MNIST mlp/lenet5/cnn: W{8,6,4,3,2} x A{8,4}, per-tensor/channel, calibrators, rounding (AdaRound), non-uniform, QAT (STE/PACT/LSQ), mixed precision (measured loss or Hessian trace), integer-only and QDQ vs onnxruntime',
  datasets: [{ name: 'mnist', params: { train: 7000, calibration: 1000, test: 2000, seed: 0 } }],
  subjects: [
    { name: 'fp32', id: 'fp32', params: NET, grid: { model: MODELS } },
    {
      name: 'quant-ptq',
      id: 'ptq-bits',
      params: NET,
      grid: {
        model: MODELS,
        wBits: [8, 6, 4, 3, 2],
        aBits: [8, 4],
        granularity: ['tensor', 'channel'],
        wCalib: ['minmax', 'p99.99', 'mse'],
      },
    },
    {
      name: 'quant-ptq',
      id: 'ptq-acalib',
      params: { ...NET, wBits: 8, aBits: 4 },
      grid: { model: MODELS, aCalib: ['minmax', 'p99.9', 'p99.99', 'p99.999', 'mse', 'kl'] },
    },
    {
      name: 'quant-ptq',
      id: 'ptq-rounding',
      params: { ...NET, aBits: 8, wCalib: 'mse', adaroundIterations: 1000 },
      grid: { model: MODELS, wBits: [4, 3, 2], rounding: ['nearest', 'stochastic', 'adaround'] },
    },
    {
      name: 'quant-ptq',
      id: 'ptq-scheme',
      params: { ...NET, aBits: 8, wCalib: 'mse' },
      grid: { model: MODELS, wBits: [4, 3, 2], scheme: ['uniform', 'pot', 'apot', 'kmeans'] },
    },
    {
      name: 'quant-ptq',
      id: 'ptq-helpers',
      params: { ...NET, wBits: 4, aBits: 8, granularity: 'tensor' },
      grid: {
        model: MODELS,
        symmetric: [true, false],
        equalize: [false, true],
        biasCorrection: [false, true],
      },
    },
    {
      name: 'quant-qat',
      id: 'qat-w4a4',
      params: { ...NET, wBits: 4, aBits: 4 },
      grid: { model: MODELS, method: ['ste', 'pact', 'lsq'] },
    },
    {
      name: 'quant-qat',
      id: 'qat-w2a2',
      params: { ...NET, wBits: 2, aBits: 2 },
      grid: { model: MODELS, method: ['ste', 'pact', 'lsq'] },
    },
    {
      name: 'quant-mixed',
      id: 'mixed',
      params: NET,
      grid: {
        model: MODELS,
        averageBits: [2, 3, 4],
        allocation: ['uniform', 'sensitivity', 'hessian'],
      },
    },
    { name: 'quant-integer', id: 'integer', params: NET, grid: { model: MODELS, wBits: [8, 7] } },
  ],
  baseline: 'fp32',
  seeds: 3,
  timeoutS: 1800,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: { mnist: { params: { train: 300, calibration: 100, test: 100, seed: 0 } } },
      subjects: patch(SMOKE_NET, ['lenet5'], {
        fp32: { params: { timeMs: 20 } },
        'ptq-bits': { grid: { wBits: [4], granularity: ['channel'], wCalib: ['mse'] } },
        'ptq-acalib': { grid: { aCalib: ['kl'] } },
        'ptq-rounding': {
          params: { adaroundIterations: 5 },
          grid: { wBits: [2], rounding: ['adaround'] },
        },
        'ptq-scheme': { grid: { wBits: [2], scheme: ['apot'] } },
        'ptq-helpers': { grid: { symmetric: [false], equalize: [true], biasCorrection: [true] } },
        'qat-w4a4': { params: { qatEpochs: 1 }, grid: { method: ['lsq'] } },
        'qat-w2a2': { params: { qatEpochs: 1 }, grid: { method: ['pact'] } },
        mixed: {
          params: { sensitivityExamples: 50, candidates: [2, 4, 8], hutchinsonSamples: 2 },
          grid: { averageBits: [4], allocation: ['hessian'] },
        },
        integer: { params: { timeMs: 20, rounds: 1, batch: 4 }, grid: { wBits: [7] } },
      }),
    },
    default: {
      budgetS: 90,
      seeds: 3,
      datasets: { mnist: { params: { train: 4000, calibration: 500, test: 1000, seed: 0 } } },
      subjects: patch({ ...NET, epochs: 2 }, ['mlp'], {
        'ptq-bits': {
          grid: {
            wBits: [8, 4, 2],
            aBits: [8],
            granularity: ['tensor', 'channel'],
            wCalib: ['minmax', 'mse'],
          },
        },
        'ptq-acalib': { grid: { aCalib: ['minmax', 'p99.99', 'kl'] } },
        // AdaRound at 75 iterations (was 150, ~30% of the profile's CPU time): W2 top-1 90.2 vs
        // 90.5 at 150 (seeds 0-2: 90.1/89.7/90.8 vs 90.0/90.3/91.2), above nearest (88.4) on
        // every seed either way (issue 24; results/reference/bench-fit).
        'ptq-rounding': {
          params: { adaroundIterations: 75 },
          grid: { wBits: [2], rounding: ['nearest', 'adaround'] },
        },
        'ptq-scheme': { grid: { wBits: [2], scheme: ['uniform', 'pot', 'kmeans'] } },
        'ptq-helpers': {
          grid: { symmetric: [true], equalize: [false, true], biasCorrection: [false, true] },
        },
        'qat-w4a4': { params: { qatEpochs: 1 }, grid: { method: ['lsq'] } },
        'qat-w2a2': { params: { qatEpochs: 1 }, grid: { method: ['lsq'] } },
        mixed: {
          grid: { averageBits: [3], allocation: ['uniform', 'sensitivity', 'hessian'] },
        },
        // lenet5 (trained once per seed) only where its convolutions matter most: the
        // integer-only kernel, onnxruntime QLinear and QDQ; its full matrix is in `paper`.
        fp32: { params: { timeMs: 100 }, grid: { model: ['mlp', 'lenet5'] } },
        // W8 only (W7 is in `paper`): the W7 trials were 15 of the 100 s the profile took quiet.
        integer: {
          params: { timeMs: 100, rounds: 3, intExamples: 300 },
          grid: { model: ['mlp', 'lenet5'], wBits: [8] },
        },
      }),
    },
    paper: { seeds: 5 },
  },
  tables: [
    {
      name: 'accuracy',
      title: 'Top-1 and fidelity to fp32',
      metrics: ['top1', 'top1_drop', 'fp_agree', 'logit_kl', 'sqnr_db', 'model_bytes', 'gbops'],
    },
    {
      name: 'rounding',
      title: 'Rounding: nearest vs AdaRound (weights left undecided by its regulariser)',
      metrics: ['top1', 'fp_agree', 'logit_kl', 'sqnr_db', 'adaround_undecided', 'quantize_s'],
    },
    {
      name: 'qat',
      title: 'QAT against its PTQ start',
      metrics: ['top1', 'ptq_top1', 'top1_drop', 'quantize_s'],
    },
    {
      name: 'mixed',
      title: 'Mixed vs uniform precision',
      metrics: [
        'top1',
        'fp_agree',
        'avg_bits',
        'logit_kl',
        'model_bytes',
        'allocate_s',
        'trace_rel_se',
      ],
    },
    {
      name: 'integer',
      title: 'Integer-only execution vs fake-quant and onnxruntime',
      metrics: [
        'top1',
        'fake_top1',
        'int_vs_fake_pt',
        'ort_exact',
        'ort_max_code_diff',
        'qdq_ref_exact',
        'qdq_fused_exact',
        'qdq_fused_vs_ts_exact',
        'qdq_fp32_ratio',
        'int8_fp32_ratio',
        'ratio_lo',
        'ratio_hi',
        'latency_int8_ms',
        'latency_fp32_ms',
      ],
    },
  ],
  figures: [
    {
      name: 'top1-vs-wbits',
      title: 'Top-1 vs weight bits per scheme family',
      x: 'wBits',
      y: 'top1',
      color: 'subject',
      facet: 'model',
      mark: 'point',
    },
  ],
})
