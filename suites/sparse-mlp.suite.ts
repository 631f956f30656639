import { defineSuite } from '../harness/spec/schema.ts'

/** The dense mlp both subjects start from (trained once per seed through the artifact cache). */
const NET = { model: 'mlp', hidden: [300, 100], epochs: 3, batchSize: 64, learningRate: 0.002 }
const SMOKE_NET = { ...NET, epochs: 1 }

/**
 * SparseDNN's accuracy sanity check: the 784-300-100-10 MNIST mlp magnitude-pruned to 90% per
 * layer and fine-tuned with its masks kept, against the dense network (`fp32`); its inference
 * through the generated sparse kernels is timed interleaved with onnxruntime dense on the same
 * pruned weights (zeros stored).
 */
export default defineSuite({
  name: 'sparse-mlp',
  description:
    '90%-pruned MNIST mlp (masks kept while fine-tuning): top-1 vs dense, latency of generated sparse kernels vs onnxruntime dense',
  datasets: [{ name: 'mnist', params: { train: 7000, calibration: 0, test: 2000, seed: 0 } }],
  subjects: [
    { name: 'fp32', params: { ...NET, batch: 128 } },
    {
      name: 'sparse-mlp',
      params: {
        ...NET,
        sparsity: 0.9,
        fineTuneEpochs: 4,
        fineTuneLearningRate: 0.002,
        batch: 128,
      },
    },
  ],
  baseline: 'fp32',
  seeds: 3,
  timeoutS: 300,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: { mnist: { params: { train: 300, calibration: 0, test: 200 } } },
      subjects: {
        fp32: { params: { ...SMOKE_NET, batch: 32, timeMs: 20 } },
        'sparse-mlp': {
          params: { ...SMOKE_NET, fineTuneEpochs: 1, batch: 32, timeMs: 20, minSamples: 3 },
        },
      },
    },
    default: { budgetS: 90 },
    paper: {
      seeds: 5,
      datasets: { mnist: { params: { train: 8000, calibration: 0, test: 2000 } } },
      subjects: {
        fp32: { params: { ...NET, epochs: 6, batch: 128 } },
        'sparse-mlp': {
          params: {
            ...NET,
            epochs: 6,
            fineTuneEpochs: 4,
            fineTuneLearningRate: 0.002,
            batch: 128,
            timeMs: 1000,
          },
          grid: { sparsity: [0.8, 0.9, 0.95], batch: [1, 128] },
        },
      },
    },
  },
  tables: [
    {
      name: 'accuracy-latency',
      metrics: [
        'top1',
        'top1_dense',
        'top1_drop',
        'top1_dense_control',
        'top1_drop_control',
        'top1_engine',
        'latency_ms',
        'baseline_ms',
        'speedup',
        'speedup_lo',
        'speedup_hi',
        'max_rel_err',
      ],
      hide: ['model', 'hidden', 'epochs', 'batchSize', 'learningRate', 'timeMs', 'minSamples'],
    },
  ],
  figures: [
    {
      name: 'top1',
      title: 'MNIST mlp top-1: dense vs 90% pruned and fine-tuned',
      x: 'subject',
      y: 'top1',
      mark: 'bar',
    },
  ],
})
