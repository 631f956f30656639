import { defineSuite } from '../harness/spec/schema.ts'

/** How fast tfjs trains here: mlp and lenet5 on MNIST, Adam, batch 64, per available backend. */
export default defineSuite({
  name: 'training-throughput',
  description:
    'Training throughput (samples/s) and test accuracy of mlp and lenet5 on 4,000 MNIST digits, per tfjs backend',
  datasets: [{ name: 'mnist', params: { train: 4000, calibration: 0, test: 2000 } }],
  subjects: [
    {
      name: 'tfjs-training',
      id: 'wasm',
      params: { backend: 'wasm', workers: 1 },
      grid: { model: ['mlp', 'lenet5'] },
    },
    // LeNet-5 data-parallel over two threads (this one and a worker with its own wasm backend),
    // each taking half of every mini-batch of 64: beside the wasm arm's one thread (issue 24).
    {
      name: 'tfjs-training',
      id: 'wasm-dp',
      params: { backend: 'wasm', model: 'lenet5', workers: 2 },
    },
    // The pure-JS backend is two orders of magnitude slower on convolutions: the mlp only, on
    // the first 1,000 digits (throughput is per sample, so it stays comparable).
    {
      name: 'tfjs-training',
      id: 'cpu',
      params: { backend: 'cpu', model: 'mlp', trainLimit: 1000 },
    },
    {
      name: 'tfjs-training',
      id: 'node',
      params: { backend: 'node' },
      grid: { model: ['mlp', 'lenet5'] },
    },
  ],
  baseline: 'wasm',
  seeds: 3,
  timeoutS: 900,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: { mnist: { params: { train: 256, calibration: 0, test: 128 } } },
      subjects: {
        wasm: { params: { epochs: 1 } },
        'wasm-dp': { params: { epochs: 1 } },
        cpu: { params: { epochs: 1 } },
        node: { params: { epochs: 1 } },
      },
    },
    // The pure-JS cpu arm trains on 256 digits (8 steps of 64 over 2 epochs; 1000 in `paper`):
    // it only shows how far below wasm that backend is (~0.05x), a rate over every step. At 1000
    // digits it was ~40% of a profile that took 61 CPU-seconds against its 60 s budget (issue
    // 24); at 500 with the wasm-dp arm added the profile took 59.7 s at load 2-3, so 256 here.
    default: { budgetS: 60, subjects: { cpu: { params: { trainLimit: 256 } } } },
    paper: {
      // The accuracy check of the compute issue: lenet5, a few epochs on 8,000 digits.
      datasets: { mnist: { params: { train: 8000, calibration: 0, test: 2000 } } },
      subjects: {
        wasm: { params: { epochs: 4 } },
        'wasm-dp': { params: { epochs: 4 } },
        node: { params: { epochs: 4 } },
        cpu: { params: { epochs: 2, trainLimit: 1000 } },
      },
    },
  },
  tables: [
    { name: 'throughput', metrics: ['samples_per_s', 'test_accuracy', 'train_s', 'setup_s'] },
  ],
  figures: [
    {
      name: 'samples-per-s',
      x: 'model',
      y: 'samples_per_s',
      color: 'subject',
      mark: 'bar',
      yTitle: 'training samples/s',
    },
  ],
})
