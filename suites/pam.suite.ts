import { defineSuite } from '../harness/spec/schema.ts'

const TWO = ['A', 'B', 'A+B']
/** All 31 combinations of 5 tasks, in mask order (trials beyond a task set's size are skipped). */
const FIVE = Array.from({ length: 31 }, (_, k) =>
  [...'ABCDE'].filter((_, t) => (k + 1) & (1 << t)).join('+'),
)
const arms = ['no-merge', 'mtz', 'pam'] as const

/** Pruning-Aware Merging vs no merging and MTZ over every task combination (MLP on MNIST tasks). */
export default defineSuite({
  name: 'pam',
  description:
    'PAM vs no merging vs MTZ: FLOPs, latency and accuracy of every task combination after Taylor pruning',
  datasets: [
    {
      name: 'mnist-tasks',
      params: { train: 3000, calibration: 1500, test: 1500 },
      grid: { taskSet: ['halves', 'attributes', 'pairs', 'control'] },
    },
  ],
  subjects: [
    { name: 'no-merge', grid: { combo: FIVE } },
    { name: 'mtz', grid: { combo: FIVE } },
    { name: 'pam', grid: { combo: FIVE } },
  ],
  baseline: 'no-merge',
  seeds: 3,
  timeoutS: 900,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: {
        'mnist-tasks': {
          params: { train: 300, calibration: 200, test: 200 },
          grid: { taskSet: ['halves'] },
        },
      },
      subjects: Object.fromEntries(
        arms.map((a) => [
          a,
          {
            params: {
              hidden: [8, 4],
              epochs: 1,
              maxRounds: 2,
              pruneFineTune: 5,
              mergeFineTune: 10,
              latencyMs: 5,
              latencyBatch: 8,
              ...(a === 'pam' ? { miSamples: 40 } : {}),
              ...(a === 'mtz' ? { hessianSamples: 40, zipFineTune: 5 } : {}),
            },
            grid: { combo: ['A', 'A+B'] },
          },
        ]),
      ),
    },
    default: {
      seeds: 3,
      datasets: { 'mnist-tasks': { grid: { taskSet: ['halves'] } } },
      subjects: Object.fromEntries(
        arms.map((a) => [
          a,
          {
            params: {
              hidden: [32, 16],
              epochs: 3,
              pruneStep: 0.2,
              pruneFineTune: 25,
              maxRounds: 12,
              mergeFineTune: 100,
              latencyMs: 40,
              ...(a === 'pam' ? { miSamples: 150 } : {}),
              ...(a === 'mtz' ? { hessianSamples: 200, zipFineTune: 50 } : {}),
            },
            grid: { combo: TWO },
          },
        ]),
      ),
    },
    paper: {
      seeds: 3,
      subjects: {
        'no-merge': { grid: { combo: FIVE } },
        mtz: { grid: { combo: FIVE } },
        pam: { grid: { combo: FIVE, alpha: [0.01, 0.02, 0.05, 0.1, 0.2] } },
      },
    },
  },
  tables: [
    { name: 'combinations', metrics: ['flops', 'acc', 'acc_drop', 'latency_ms', 'params'] },
    { name: 'partitions', metrics: ['shared_frac'] },
  ],
  figures: [
    {
      name: 'flops-per-combination',
      x: 'combo',
      y: 'flops',
      color: 'subject',
      facet: 'taskSet',
      mark: 'bar',
    },
    { name: 'alpha-sweep', x: 'alpha', y: 'flops', color: 'combo', facet: 'taskSet', mark: 'line' },
  ],
})
