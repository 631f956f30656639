import { defineSuite } from '../harness/spec/schema.ts'

const timing = { timeMs: 200, minSamples: 5 }
const smokeTiming = { timeMs: 20, minSamples: 3 }
const paperTiming = { timeMs: 1000, minSamples: 30 }

/**
 * SparseDNN-style SpMM: kernels generated for a pruned W (wasm, native) against onnxruntime dense
 * MatMul and tfjs-wasm dense matMul on the same zero-filled W and plain TypeScript CSR, over shape, batch N, sparsity and
 * pattern.
 */
export default defineSuite({
  name: 'sparse-engine',
  description:
    'Pruned linear layer relu(W·X + b): generated sparse kernels (wasm, native) vs onnxruntime dense MatMul and TS CSR',
  datasets: [
    {
      name: 'sparse-matmul',
      params: { pattern: 'unstructured' },
      grid: {
        shape: ['768x3072', '3072x768'],
        N: [128],
        sparsity: [0.9, 0.95],
      },
    },
  ],
  subjects: [
    { name: 'onnxruntime-matmul', params: timing },
    { name: 'tfjs-dense', params: { backend: 'wasm', ...timing } },
    { name: 'csr-spmm', params: timing },
    { name: 'sparse-wasm', params: timing },
    { name: 'sparse-native', params: timing },
    // Two threads in the same run: onnxruntime's intra-op pool vs the kernel split by rows; the
    // two-thread kernel's ratios are taken against two-thread onnxruntime.
    { name: 'onnxruntime-matmul', id: 'onnxruntime-2t', params: { threads: 2, ...timing } },
    {
      name: 'sparse-native',
      id: 'sparse-native-2t',
      baseline: 'onnxruntime-2t',
      params: { kernelThreads: 2, tiles: [{ rowBlock: 4, colVectors: 2 }], ...timing },
    },
  ],
  baseline: 'onnxruntime-matmul',
  seeds: 3,
  timeoutS: 300,
  profiles: {
    // Two repetitions keep the default near two minutes of CPU with the two-thread subjects.
    default: { seeds: 2, budgetS: 180 },
    smoke: {
      seeds: 1,
      datasets: {
        'sparse-matmul': {
          grid: { shape: ['64x96'], N: [8], sparsity: [0.9], pattern: ['unstructured', '1x4'] },
        },
      },
      subjects: {
        'onnxruntime-matmul': { params: smokeTiming },
        'tfjs-dense': { params: { backend: 'wasm', ...smokeTiming } },
        'csr-spmm': { params: smokeTiming },
        'sparse-wasm': { params: smokeTiming },
        'sparse-native': {
          params: { ...smokeTiming, tiles: [{ rowBlock: 4, colVectors: 2 }], tuneReps: 2 },
        },
        'onnxruntime-2t': { params: { threads: 2, ...smokeTiming } },
        'sparse-native-2t': {
          params: { kernelThreads: 2, tiles: [{ rowBlock: 4, colVectors: 2 }], ...smokeTiming },
        },
      },
    },
    paper: {
      seeds: 5,
      datasets: {
        'sparse-matmul': {
          grid: {
            shape: ['768x768', '768x3072', '3072x768'],
            N: [1, 32, 128],
            sparsity: [0.5, 0.7, 0.8, 0.9, 0.95, 0.98],
            pattern: ['unstructured', '1x4'],
          },
        },
      },
      subjects: {
        'onnxruntime-matmul': { params: paperTiming },
        'tfjs-dense': { params: { backend: 'wasm', ...paperTiming } },
        'csr-spmm': { params: paperTiming },
        'sparse-wasm': { params: paperTiming },
        'sparse-native': { params: paperTiming },
        'onnxruntime-2t': { params: { threads: 2, ...paperTiming } },
        'sparse-native-2t': {
          params: { kernelThreads: 2, tiles: [{ rowBlock: 4, colVectors: 2 }], ...paperTiming },
        },
      },
    },
  },
  tables: [
    {
      name: 'latency',
      metrics: ['latency_ms', 'gflops', 'effective_gflops', 'prepare_ms', 'max_rel_err'],
      hide: [
        'backend',
        'threads',
        'kernelThreads',
        'layout',
        'tiles',
        'tuneReps',
        'reuseTuning',
        'diskCache',
        'timeMs',
        'minSamples',
      ],
    },
  ],
  figures: [
    {
      name: 'latency-vs-sparsity',
      title: 'SpMM latency vs sparsity',
      x: 'sparsity',
      y: 'latency_ms',
      color: 'subject',
      facet: 'shape',
      mark: 'line',
      logY: true,
    },
  ],
})
