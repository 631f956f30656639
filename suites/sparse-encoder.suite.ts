import { defineSuite } from '../harness/spec/schema.ts'

/**
 * SparseDNN end to end: the zoo's tiny encoder (d 768, ffn 3072, 12 heads, seq 128) with its
 * linear layers magnitude-pruned, run by the sparse engine (generated kernels, fused QKV, bias
 * and ReLU, residual adds in the Wo / W2 kernel epilogues, AVX-512 kernels (24 x 1 tiles) with rows
 * clustered by shared columns where the CPU has AVX-512, dense attention through packed GEMMs) against the
 * same blocks run dense in onnxruntime. The engine's `speedup` is measured interleaved with
 * onnxruntime in one trial; `breakdown` is the engine's per-operator time (profiled passes after
 * the timing, summed over blocks). `default` runs 90% and 95% (each point compiles 8 kernels);
 * `paper` runs 0-98%, 4 blocks, both patterns.
 */
export default defineSuite({
  name: 'sparse-encoder',
  description:
    'Pruned BERT-like encoder (2 blocks, d 768, seq 128): sparse engine vs onnxruntime dense at 90% and 95% (paper: 0-98%)',
  datasets: [
    {
      name: 'pruned-encoder',
      params: { dModel: 768, heads: 12, ffn: 3072, seqLength: 128, layers: 2 },
      grid: { sparsity: [0.9, 0.95] },
    },
  ],
  subjects: [
    { name: 'onnxruntime-encoder', params: { timeMs: 500, minSamples: 5 } },
    { name: 'sparse-encoder', params: { timeMs: 1500, minSamples: 10 } },
  ],
  baseline: 'onnxruntime-encoder',
  seeds: 1,
  timeoutS: 600,
  profiles: {
    smoke: {
      datasets: {
        'pruned-encoder': {
          params: { dModel: 32, heads: 4, ffn: 64, seqLength: 16, layers: 2 },
          grid: { sparsity: [0, 0.9] },
        },
      },
      subjects: {
        'onnxruntime-encoder': { params: { timeMs: 20, minSamples: 3 } },
        'sparse-encoder': { params: { timeMs: 20, minSamples: 3 } },
      },
    },
    default: { budgetS: 90 },
    paper: {
      seeds: 3,
      datasets: {
        'pruned-encoder': {
          params: { dModel: 768, heads: 12, ffn: 3072, seqLength: 128, layers: 4 },
          grid: { sparsity: [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98], pattern: ['unstructured', '1x4'] },
        },
      },
      subjects: {
        'onnxruntime-encoder': { params: { timeMs: 1000, minSamples: 10 } },
        'sparse-encoder': { params: { timeMs: 3000, minSamples: 20 } },
      },
    },
  },
  tables: [
    {
      name: 'latency',
      metrics: [
        'latency_ms',
        'baseline_ms',
        'speedup',
        'speedup_lo',
        'speedup_hi',
        'gflops',
        'prepare_ms',
        'max_rel_err',
        'max_rel_err_ort',
      ],
      hide: ['dModel', 'heads', 'ffn', 'seqLength', 'timeMs', 'minSamples'],
    },
    {
      name: 'breakdown',
      title: 'Sparse engine: time per operator kind (ms, summed over blocks)',
      metrics: ['op_qkv_ms', 'op_attention_ms', 'op_o_ms', 'op_ln_ms', 'op_ffn1_ms', 'op_ffn2_ms'],
      hide: ['dModel', 'heads', 'ffn', 'seqLength', 'timeMs', 'minSamples', 'profileReps'],
    },
  ],
  figures: [
    {
      name: 'speedup-vs-sparsity',
      title: 'Encoder latency vs sparsity',
      x: 'sparsity',
      y: 'latency_ms',
      color: 'subject',
      mark: 'line',
      logY: true,
    },
  ],
})
