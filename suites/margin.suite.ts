import { defineSuite } from '../harness/spec/schema.ts'

const REGIMES = ['full', 'subset-1', 'subset-5', 'noise-20', 'noise-50']

/** Every subject id, for profile patches that touch them all. */
const IDS = [
  'cross-entropy',
  'hinge-cs',
  'hinge-ww',
  'l-softmax-m2',
  'l-softmax-m4',
  'a-softmax',
  'cosface',
  'arcface',
  'elsayed-linf',
  'elsayed-l2',
  'pgd-at',
  'mma',
] as const

type Patch = { params?: Record<string, unknown>; grid?: Record<string, unknown[]> }

/** The same patch for every subject, merged with per-subject extras (key by key). */
function all(common: Patch, extra: Partial<Record<(typeof IDS)[number], Patch>> = {}) {
  return Object.fromEntries(
    IDS.map((id) => {
      const e = extra[id] ?? {}
      const params = { ...common.params, ...e.params }
      const grid = { ...common.grid, ...e.grid }
      return [
        id,
        {
          ...(Object.keys(params).length > 0 ? { params } : {}),
          ...(Object.keys(grid).length > 0 ? { grid } : {}),
        },
      ]
    }),
  )
}

/**
 * Large-margin losses vs softmax cross-entropy on MNIST (8k train / 2k test): clean accuracy,
 * input margins by four measures, robust accuracy per ε, feature angle ratio, training time.
 * The extra data regimes (1% / 5% subsets, 20% / 50% label noise) run for cross-entropy, the
 * hinges and Elsayed's loss.
 */
/** The default profile's model and measurement settings (MLP, 2k digits); the tuning suite reuses them. */
export const DEFAULT_STUDY = {
  hidden: [64],
  epochs: 3,
  evalN: 100,
  bisectSteps: 5,
  bisectPgdSteps: 5,
  epsGridLinf: [0.05, 0.1, 0.2, 0.3],
  robustPgdSteps: 10,
  deepfool: false,
  l2: false,
}

export default defineSuite({
  name: 'margin',
  description:
    'Large-margin losses (hinge, L-Softmax, A-Softmax, CosFace, ArcFace, Elsayed, PGD-AT, MMA) vs cross-entropy on MNIST: margins and robustness',
  datasets: [{ name: 'mnist', params: { train: 8000, calibration: 0, test: 2000 } }],
  subjects: [
    { name: 'cross-entropy', grid: { regime: REGIMES } },
    {
      name: 'large-margin',
      id: 'hinge-cs',
      params: { loss: 'hinge-cs' },
      grid: { regime: REGIMES },
    },
    { name: 'large-margin', id: 'hinge-ww', params: { loss: 'hinge-ww' } },
    { name: 'large-margin', id: 'l-softmax-m2', params: { loss: 'l-softmax', options: { m: 2 } } },
    { name: 'large-margin', id: 'l-softmax-m4', params: { loss: 'l-softmax', options: { m: 4 } } },
    { name: 'large-margin', id: 'a-softmax', params: { loss: 'a-softmax', options: { m: 4 } } },
    {
      name: 'large-margin',
      id: 'cosface',
      params: { loss: 'cosface', options: { s: 30, m: 0.35 } },
    },
    {
      name: 'large-margin',
      id: 'arcface',
      params: { loss: 'arcface', options: { s: 16, m: 0.5 } },
    },
    {
      name: 'large-margin',
      id: 'elsayed-linf',
      // γ, the layers and the cross-entropy weight were chosen on a validation split carved
      // from the training digits (suites/margin-tuning.suite.ts), never on the test split.
      params: {
        loss: 'elsayed',
        options: { norm: 'linf', gamma: 0.3, hiddenLayers: 'all', ceWeight: 0.3 },
      },
      grid: { regime: REGIMES },
    },
    {
      name: 'large-margin',
      id: 'elsayed-l2',
      params: { loss: 'elsayed', options: { norm: 'l2', gamma: 2, hiddenLayers: 'all' } },
    },
    {
      name: 'large-margin',
      id: 'pgd-at',
      params: { loss: 'pgd-at', options: { eps: 0.3, steps: 10 } },
    },
    {
      name: 'large-margin',
      id: 'mma',
      params: { loss: 'mma', options: { dMax: 0.45, pgdSteps: 10 } },
    },
  ],
  baseline: 'cross-entropy',
  seeds: 3,
  timeoutS: 1800,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: { mnist: { params: { train: 300, calibration: 0, test: 100 } } },
      subjects: all({
        params: {
          hidden: [16],
          epochs: 1,
          evalN: 30,
          bisectSteps: 4,
          bisectPgdSteps: 2,
          // Resolution ε_max/2^4: at 0.5 the exact (targeted) search put every margin of this
          // tiny net in the first bin (0.031), leaving no spread for the Spearman correlation.
          epsMaxLinf: 0.125,
          epsGridLinf: [0.05, 0.1, 0.2, 0.3],
          robustPgdSteps: 2,
          deepfool: false,
          l2: false,
        },
        grid: { regime: ['full'] },
      }),
    },
    // The MLP only: on the CNN (`subjects.<id>.params.model=cnn`) a trial takes 13-33 s instead
    // of a few, too long for `npm run bench`; the CNN runs in `paper`.
    // Trimmed for time (issue 24). The bisection probes the 3 nearest competitors (first-order
    // order) with targeted PGD, not all 9: on the MLP the margins matched the all-9 search to 1e-4
    // (cross-entropy, Elsayed, MMA; results/reference/bench-fit); `paper` probes every competitor.
    // A trial costs 4-6 s here (PGD training and MMA about 9), so the default keeps the losses the
    // README's row compares (cross-entropy, Elsayed ℓ∞, MMA) and the Crammer-Singer hinge on the
    // full data: 12 trials (with PGD training, 15 took 101 s on the quiet machine). PGD training,
    // the other losses (L-Softmax, A-Softmax, CosFace, ArcFace, the Weston-Watkins hinge, Elsayed
    // ℓ2) and the little-data and noisy-label regimes run in `paper`, or in the
    // default with `subjects.<id>.grid.regime=[...]` overrides; the 63-trial default of before is
    // the run in results/reference/bench-fit/margin-trimmed.
    default: {
      budgetS: 90,
      seeds: 3,
      datasets: { mnist: { params: { train: 2000, calibration: 0, test: 500 } } },
      subjects: all(
        {
          params: { ...DEFAULT_STUDY, bisectTargets: 3 },
          grid: { regime: ['full'] },
        },
        {
          // An MLP does not survive PGD training at ε = 0.3 in 3 epochs (it collapses to a
          // constant): the default trains at 0.1, with short attacks to fit the time budget.
          'pgd-at': { params: { options: { eps: 0.1, steps: 3 } } },
          mma: { params: { options: { dMax: 0.45, pgdSteps: 3, bisectSteps: 5 } } },
        },
      ),
      only: ['cross-entropy', 'hinge-cs', 'elsayed-linf', 'mma'],
    },
    paper: {
      seeds: 3,
      subjects: all(
        { params: { epochs: 10, evalN: 500 }, grid: { model: ['mlp', 'cnn'] } },
        {
          'pgd-at': {
            grid: {
              options: [
                { eps: 0.1, steps: 10 },
                { eps: 0.3, steps: 10 },
              ],
            },
          },
        },
      ),
    },
  },
  tables: [
    {
      name: 'margins',
      title: 'margin: accuracy, input margins and robustness per loss',
      metrics: [
        'clean_acc',
        'fo_linf_mean',
        'bisect_linf_mean',
        'bisect_linf',
        'robust_linf_avg',
        'angle_ratio',
        'spearman_fo_bisect',
        'train_s',
      ],
    },
    {
      name: 'robust-linf',
      title: 'margin: PGD robust accuracy per ℓ∞ ε',
      metrics: ['robust_linf_avg', 'pgd_linf_0.05', 'pgd_linf_0.1', 'pgd_linf_0.2', 'pgd_linf_0.3'],
    },
  ],
  figures: [
    { name: 'robust-avg', x: 'subject', y: 'robust_linf_avg', color: 'regime', mark: 'bar' },
    { name: 'bisect-margin', x: 'subject', y: 'bisect_linf_mean', color: 'regime', mark: 'bar' },
    { name: 'angle-ratio', x: 'subject', y: 'angle_ratio', mark: 'bar' },
  ],
})
