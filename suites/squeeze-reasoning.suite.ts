import { defineSuite } from '../harness/spec/schema.ts'

/** Training arms (one network per head) and head-alone cost arms. */
const TRAIN = ['sr', 'non-local', 'glore', 'se-block', 'fcn'] as const
const COST = ['sr-cost', 'non-local-cost', 'glore-cost', 'se-cost'] as const
/** Runtimes of the head-cost arms: tfjs wasm, and onnxruntime-node on the exported ONNX graph. */
const BACKENDS = ['tfjs-wasm', 'onnxruntime']

type Patch = { params?: Record<string, unknown>; grid?: Record<string, unknown[]> }

/** One patch for every training arm and one for every cost arm (SR's node grid added where given). */
function arms(train: Patch, cost: Patch, srNodes?: number[]) {
  return Object.fromEntries([
    ...TRAIN.map((id) => [
      id,
      id === 'sr' && srNodes ? { ...train, grid: { ...train.grid, nodes: srNodes } } : train,
    ]),
    ...COST.map((id) => [id, cost]),
  ])
}

/**
 * Squeeze Reasoning (channel-vector graph reasoning) against non-local, GloRe, SE and no context,
 * on composite-digit segmentation (mixed and hard variants): mIoU, pixel accuracy, params, MACs
 * per head; and each head alone timed at growing feature maps on two runtimes, tfjs wasm and
 * onnxruntime-node running the head's exported ONNX graph (same weights, one thread, batch 1):
 * latency, memory (tfjs: peak tensor bytes; onnxruntime: peak resident growth of one call in a
 * fresh process, arena off), MACs. Profiles: smoke (seconds); default (small: 48 training
 * canvases, 2 epochs, SR with 8 nodes, cost at 16²-64² on both backends; about 61 s of CPU on
 * the 2-core machine, so about a minute unloaded); paper (4,000 / 1,000 canvases, 12 epochs, SR
 * with 4 / 8 / 16 nodes, cost up to 128²: 42 trainings of roughly 10 min each on one wasm
 * thread, about 7 h, plus about 10 min of head timing on the two backends).
 */
export default defineSuite({
  name: 'squeeze-reasoning',
  description:
    'Squeeze Reasoning head vs non-local, GloRe, SE and no context on composite-digit segmentation: mIoU, MACs, head latency and memory vs feature size',
  datasets: [
    {
      name: 'mnist-segmentation',
      params: { train: 4000, test: 1000 },
      grid: { variant: ['mixed', 'hard'] },
    },
  ],
  subjects: [
    { name: 'squeeze-reasoning', id: 'sr', grid: { nodes: [4, 8, 16] } },
    { name: 'non-local', id: 'non-local' },
    { name: 'glore', id: 'glore' },
    { name: 'se-block', id: 'se-block' },
    { name: 'fcn', id: 'fcn' },
    {
      name: 'squeeze-reasoning',
      id: 'sr-cost',
      params: { task: 'cost', nodes: 8 },
      grid: { side: [16, 32, 64, 128], backend: BACKENDS },
    },
    {
      name: 'non-local',
      id: 'non-local-cost',
      params: { task: 'cost' },
      grid: { side: [16, 32, 64, 128], backend: BACKENDS },
      baseline: 'sr-cost',
    },
    {
      name: 'glore',
      id: 'glore-cost',
      params: { task: 'cost' },
      grid: { side: [16, 32, 64, 128], backend: BACKENDS },
      baseline: 'sr-cost',
    },
    {
      name: 'se-block',
      id: 'se-cost',
      params: { task: 'cost' },
      grid: { side: [16, 32, 64, 128], backend: BACKENDS },
      baseline: 'sr-cost',
    },
  ],
  baseline: 'fcn',
  seeds: 3,
  timeoutS: 3600,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: { 'mnist-segmentation': { params: { train: 8, test: 4 } } },
      subjects: {
        ...arms(
          { params: { width: 8, inner: 4, epochs: 1, batchSize: 4 } },
          { params: { width: 8, inner: 4, timeMs: 5 }, grid: { side: [8] } },
          [2],
        ),
        'sr-cost': { params: { width: 8, inner: 4, timeMs: 5, nodes: 2 }, grid: { side: [8] } },
      },
    },
    default: {
      seeds: 3,
      budgetS: 90,
      timeoutS: 300,
      datasets: { 'mnist-segmentation': { params: { train: 48, test: 24 } } },
      subjects: arms(
        { params: { epochs: 2 } },
        { params: { timeMs: 100 }, grid: { side: [16, 32, 64] } },
        [8],
      ),
    },
    paper: {
      seeds: 3,
      subjects: arms({ params: { epochs: 12 } }, { params: { timeMs: 500 } }),
    },
  },
  tables: [
    {
      name: 'accuracy',
      title: 'squeeze-reasoning: accuracy and cost per head (network with the head, 64² canvases)',
      metrics: ['miou', 'pixel_acc', 'head_mmacs', 'head_params', 'net_mmacs', 'train_s'],
    },
    {
      name: 'head-cost',
      title:
        'squeeze-reasoning: the head alone, batch 1, one thread, per feature-map side and backend (tfjs wasm: peak tensor MiB; onnxruntime-node: peak resident MiB)',
      metrics: ['head_ms', 'head_peak_mib', 'head_rss_mib', 'head_gmacs', 'head_params'],
    },
  ],
  figures: [
    {
      name: 'miou-vs-macs',
      title: 'mIoU vs head MACs',
      x: 'head_mmacs',
      y: 'miou',
      color: 'subject',
      facet: 'variant',
      mark: 'point',
      xTitle: 'head MMAC per image (16² features)',
    },
    {
      name: 'head-latency',
      title: 'Head latency vs feature-map side (log-log), per backend',
      x: 'side',
      y: 'head_ms',
      color: 'subject',
      facet: 'backend',
      mark: 'line',
      logX: true,
      logY: true,
      xTitle: 'feature-map side (HW = side²)',
    },
    {
      name: 'head-memory',
      title: 'Head peak tensor memory vs feature-map side (log-log, tfjs wasm)',
      x: 'side',
      y: 'head_peak_mib',
      color: 'subject',
      mark: 'line',
      logX: true,
      logY: true,
      xTitle: 'feature-map side (HW = side²)',
    },
    {
      name: 'head-rss',
      title:
        'Head peak resident memory of one call vs feature-map side (log-log, onnxruntime-node)',
      x: 'side',
      y: 'head_rss_mib',
      color: 'subject',
      mark: 'line',
      logX: true,
      logY: true,
      xTitle: 'feature-map side (HW = side²)',
    },
  ],
})
