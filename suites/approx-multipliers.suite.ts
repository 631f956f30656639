import { defineSuite } from '../harness/spec/schema.ts'

/**
 * P/N approximate multipliers with filter-oriented mapping (Spantidi et al., ICCAD 2021; brief §1,
 * our reconstruction): an int8 mlp and LeNet-5 on MNIST and a small CNN on the synthetic colour
 * images, each trained once per seed and shared by every mapping (artifact cache). Every MAC runs
 * through the 256×256 LUT of its weight's mode (R1 multiplier: m LSB rows of the activation
 * cleared or forced to 1). Energy is the **gate-count proxy** (E = 1 − 0.8·gated PP share), not
 * the paper's hardware table. A network runs only on its own dataset (other pairs are skipped).
 *
 * Costs on the 2-core machine: `default` is LeNet-5 (MNIST) and the small CNN (synthetic images) ×
 * (exact + 6 mappings × levels {3, 4}) × 3 seeds on 300 test / 300 calibration rows, plus the
 * greedy layer/level search (levels ≤ 3) of the balanced and all-negative mappings on the CNN
 * (time in results/reference/approx-multipliers-default). The earlier default (all 3 nets, levels
 * {3, 4, 5}; 141 s quiet) made results/reference/approx-multipliers, whose README gives the
 * overrides that run it again. `paper` is 5 seeds × levels 1–6 on 2,000
 * test / 1,000 calibration rows, R1 and R2 multipliers, a 0.5 variance budget for the balanced
 * mapping, and the search (levels ≤ 6) on all three nets: hours loaded.
 */

const NET = {
  epochs: 2,
  batchSize: 64,
  learningRate: 0.002,
  calibExamples: 1000,
  errorExamples: 200,
}
const MODELS = ['mlp', 'lenet5', 'cnn']
const LEVELS = [1, 2, 3, 4, 5, 6]
const BASELINES = ['all-negative', 'all-positive', 'random', 'bias-corrected', 'alwann'] as const

const sweep = (id: string, mapping?: string) => ({
  name: mapping ? 'approx-uniform' : 'approx-pn',
  id,
  params: { ...NET, ...(mapping ? { mapping } : {}) },
  grid: { model: MODELS, level: LEVELS },
})

const SEARCH_IDS = ['pn-search', 'all-negative-search'] as const

/** Per-profile patch of every subject: params merged, grid replaced key by key. */
function patch(
  net: object,
  models: string[],
  levels: number[],
  searchLevel: number,
  searchModels: string[],
) {
  const out: Record<string, { params: Record<string, unknown>; grid: Record<string, unknown[]> }> =
    {}
  out['exact'] = { params: { ...net }, grid: { model: models } }
  for (const id of ['balanced', ...BASELINES])
    out[id] = { params: { ...net }, grid: { model: models, level: levels } }
  for (const id of SEARCH_IDS)
    out[id] = {
      params: { ...net, level: searchLevel },
      grid: { model: searchModels },
    }
  return out
}

export default defineSuite({
  name: 'approx-multipliers',
  description:
    'P/N approximate multipliers (R1 LUTs, gate-count proxy energy): balanced per-filter mapping vs exact, all-N, all-P, random, bias-corrected, ALWANN-like on mlp/lenet5 (MNIST) and a small CNN (synthetic images)',
  datasets: [
    { name: 'mnist', params: { train: 7000, calibration: 1000, test: 2000, seed: 0 } },
    {
      name: 'synthetic-images',
      params: {
        train: 3000,
        calibration: 1000,
        test: 2000,
        channels: 3,
        numClasses: 6,
        noise: 0.35,
        seed: 0,
      },
    },
  ],
  subjects: [
    {
      name: 'approx-uniform',
      id: 'exact',
      params: { ...NET, mapping: 'exact', level: 0 },
      grid: { model: MODELS },
    },
    sweep('balanced'),
    ...BASELINES.map((m) => sweep(m, m)),
    {
      name: 'approx-pn',
      id: 'pn-search',
      params: { ...NET, search: true, level: 6 },
      grid: { model: MODELS },
    },
    {
      name: 'approx-uniform',
      id: 'all-negative-search',
      params: { ...NET, mapping: 'all-negative', search: true, level: 6 },
      grid: { model: MODELS },
    },
  ],
  baseline: 'exact',
  seeds: 5,
  timeoutS: 1800,
  profiles: {
    smoke: {
      seeds: 1,
      datasets: {
        mnist: { params: { train: 200, calibration: 60, test: 60, seed: 0 } },
        'synthetic-images': {
          params: {
            train: 120,
            calibration: 60,
            test: 60,
            channels: 3,
            numClasses: 6,
            noise: 0.35,
            seed: 0,
          },
        },
      },
      subjects: patch(
        { ...NET, epochs: 1, calibExamples: 60, errorExamples: 10 },
        ['lenet5'],
        [2],
        2,
        ['lenet5'],
      ),
    },
    default: {
      budgetS: 90,
      seeds: 3,
      datasets: {
        mnist: { params: { train: 2000, calibration: 300, test: 300, seed: 0 } },
        'synthetic-images': {
          params: {
            train: 1500,
            calibration: 300,
            test: 300,
            channels: 3,
            numClasses: 6,
            noise: 0.35,
            seed: 0,
          },
        },
      },
      subjects: patch(
        { ...NET, epochs: 2, calibExamples: 300, errorExamples: 50 },
        ['lenet5', 'cnn'],
        [3, 4],
        3,
        ['cnn'],
      ),
    },
    paper: {
      seeds: 5,
      // R2 (truncated / forced LSB columns, k = 1..6) beside R1; a variance budget for balanced.
      subjects: Object.fromEntries([
        [
          'balanced',
          {
            grid: { model: MODELS, level: LEVELS, family: ['r1', 'r2'], varianceBudget: [1, 0.5] },
          },
        ],
        ...BASELINES.map((id) => [
          id,
          { grid: { model: MODELS, level: LEVELS, family: ['r1', 'r2'] } },
        ]),
      ]),
    },
  },
  tables: [
    {
      name: 'accuracy',
      title:
        'Top-1, drop vs exact int8, relative energy (gate-count proxy) and per-filter output error',
      metrics: [
        'acc',
        'acc_drop',
        'calib_drop',
        'rel_energy',
        'approx_macs',
        'filter_bias',
        'filter_bias_pred',
        'filter_std',
      ],
    },
    {
      name: 'search',
      title:
        'Greedy layer/level search at ≤ 1 pt calibration drop: energy saving (gate-count proxy) and test drop',
      metrics: [
        'energy_saving',
        'acc_drop',
        'calib_drop',
        'mean_level',
        'search_s',
        'search_evals',
      ],
    },
    {
      name: 'speed',
      title: 'LUT inference speed (loaded machine)',
      metrics: ['infer_s', 'lut_mmacs_per_s', 'test_rows', 'acc_exact', 'acc_fp32'],
    },
  ],
  figures: [
    {
      name: 'accuracy-vs-energy',
      title: 'Top-1 vs relative energy (gate-count proxy) per mapping',
      x: 'rel_energy',
      y: 'acc',
      color: 'subject',
      facet: 'model',
      mark: 'point',
      xTitle: 'relative energy, gate-count proxy (%)',
    },
  ],
})
