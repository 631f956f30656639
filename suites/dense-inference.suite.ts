import { defineSuite } from '../harness/spec/schema.ts'

/** Dense inference latency: onnxruntime-node vs tfjs (wasm) on the same weights and inputs. */
export default defineSuite({
  name: 'dense-inference',
  description:
    'Dense layer stacks (MLP 784-300-100-10, 768x3072 linear) in onnxruntime-node vs tfjs wasm, batch 1/32/128',
  datasets: [
    {
      name: 'dense-stack',
      grid: { model: ['mlp-784-300-100-10', 'linear-768x3072'], batch: [1, 32, 128] },
    },
  ],
  subjects: [
    { name: 'onnxruntime-dense', params: { timeMs: 300 } },
    { name: 'tfjs-dense', params: { backend: 'wasm', timeMs: 300 } },
  ],
  baseline: 'onnxruntime-dense',
  seeds: 3,
  timeoutS: 120,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: { 'dense-stack': { grid: { model: ['mlp-784-300-100-10'], batch: [1, 8] } } },
      subjects: {
        'onnxruntime-dense': { params: { timeMs: 20, minSamples: 3 } },
        'tfjs-dense': { params: { timeMs: 20, minSamples: 3 } },
      },
    },
    default: { budgetS: 90 },
    paper: {
      seeds: 5,
      subjects: {
        'onnxruntime-dense': { params: { timeMs: 1000, minSamples: 30 } },
        'tfjs-dense': { params: { timeMs: 1000, minSamples: 30 } },
      },
    },
  },
  tables: [{ name: 'latency', metrics: ['latency_ms', 'throughput', 'gflops', 'max_rel_err'] }],
  figures: [
    {
      name: 'latency-vs-batch',
      x: 'batch',
      y: 'latency_ms',
      color: 'subject',
      facet: 'model',
      mark: 'line',
      logY: true,
    },
  ],
})
