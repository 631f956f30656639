import { defineSuite } from '../harness/spec/schema.ts'

/** The embedding subjects (walks + skip-gram), which share the embedding patch of a profile. */
const EMBEDDERS = [
  'supra-dec',
  'supra-kmeans',
  'supra-concat',
  'deepwalk-per-layer',
  'deepwalk-aggregate',
  'deepwalk-concat',
] as const
const ALL = [...EMBEDDERS, 'louvain-aggregate', 'louvain-supra', 'spectral-mean-laplacian'] as const

type Patch = { params?: Record<string, unknown>; grid?: Record<string, unknown[]> }

const SUPRA: readonly string[] = ['supra-dec', 'supra-kmeans', 'supra-concat']

/** The same params for every embedder, `supra` for the method's arms, `tasks` for every subject. */
function patch(
  embed: Record<string, unknown>,
  tasks: Record<string, unknown>,
  supra: Record<string, unknown> = {},
) {
  return Object.fromEntries(
    ALL.map((id) => [
      id,
      {
        params: (EMBEDDERS as readonly string[]).includes(id)
          ? { ...embed, ...tasks, ...(SUPRA.includes(id) ? supra : {}) }
          : tasks,
      },
    ]),
  ) as Record<string, Patch>
}

/**
 * Smaller than the brief's CPU budget (10 walks × 40 steps, window 5, d 64, one epoch): on this
 * loaded 2-core machine a default run must stay short, so walks are 4 × 20, window 3, d 16, and
 * two epochs at lr 0.05 make up for the shorter corpus.
 */
const DEFAULT_EMBED = { walksPerNode: 4, walkLength: 20, window: 3, dim: 16, epochs: 2, lr: 0.05 }

/**
 * Multi-layered network embedding (Song & Thiagarajan): DeepWalk on the supra graph (layer-jump
 * walks, skip-gram contexts shared by a node's copies) + cohesion fine-tuning (DEC, or
 * discriminative k-means as a trace ratio), against DeepWalk per layer / on the aggregate / per
 * layer concatenated, Louvain on the aggregate and on the supra graph, and spectral clustering on
 * the mean Laplacian. Datasets: a multilayer SBM (each layer below detectability, η = 0.2
 * heterogeneity), the football matches of vega-datasets as monthly layers (league = truth), and
 * two single-layer sanity graphs. Tasks: node classification (micro/macro-F1), per-layer link
 * prediction (AUC), community detection (NMI, modularity, multislice modularity).
 *
 * `default` (SBM L = 12, football L = 3, 12, 37, karate; 3 seeds) takes about a minute on a quiet
 * 2-core machine (results/reference/multilayer-embedding-default); the earlier, larger default
 * (SBM L = 6 and 12, one DeepWalk per supra arm: 141 s quiet) is reproduced by the overrides in
 * results/reference/multilayer-embedding/README.md.
 * `paper` is the brief's protocol (10 × 40 walks, window 5, d 64, 9 label fractions, L up to 37,
 * every subject and dataset, 3 seeds): about 2 CPU-hours here, mostly skip-gram.
 */
export default defineSuite({
  name: 'multilayer-embedding',
  description:
    'Supra-graph DeepWalk + cohesion fine-tuning vs DeepWalk (per layer, aggregate, concat), Louvain and mean-Laplacian spectral clustering: NMI, modularity, F1, link AUC, time vs L',
  datasets: [
    { name: 'ml-sbm', grid: { layers: [3, 6, 12, 37] } },
    { name: 'ml-football', grid: { layers: [3, 6, 12, 24, 37] } },
    { name: 'ml-single-layer', grid: { graph: ['karate', 'miserables'] } },
  ],
  subjects: [
    { name: 'multilayer-embedding', id: 'supra-dec', params: { finetune: 'dec', context: 'node' } },
    {
      name: 'multilayer-embedding',
      id: 'supra-kmeans',
      params: { finetune: 'kmeans', context: 'node' },
    },
    {
      name: 'multilayer-embedding',
      id: 'supra-concat',
      params: { finetune: 'none', context: 'node', combine: 'concat' },
    },
    { name: 'ml-deepwalk', id: 'deepwalk-per-layer', params: { mode: 'per-layer' } },
    { name: 'ml-deepwalk', id: 'deepwalk-aggregate', params: { mode: 'aggregate' } },
    { name: 'ml-deepwalk', id: 'deepwalk-concat', params: { mode: 'concat' } },
    { name: 'ml-louvain', id: 'louvain-aggregate', params: { graph: 'aggregate' } },
    { name: 'ml-louvain', id: 'louvain-supra', params: { graph: 'supra' } },
    { name: 'ml-spectral-mean-laplacian', id: 'spectral-mean-laplacian' },
  ],
  baseline: 'deepwalk-aggregate',
  seeds: 3,
  timeoutS: 1800,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: {
        'ml-sbm': { params: { n: 60 }, grid: { layers: [3] } },
        'ml-football': { grid: { layers: [2] } },
        'ml-single-layer': { grid: { graph: ['karate'] } },
      },
      subjects: patch(
        { walksPerNode: 2, walkLength: 8, window: 2, dim: 8 },
        { labelFractions: [0.1, 0.5, 0.9], classifierSteps: 20 },
        { finetuneIterations: 3 },
      ),
    },
    // SBM at L = 12 (the earlier default's L = 6 sits at the union's detectability limit, where
    // NMI is seed noise: 0.15 there, 0.10 at L = 8 in a trial run), football at L = 3, 12, 37 for the time-vs-L fit, karate as the sanity set; the
    // concatenation ablation is scored at 50% labels only. The method's three arms start from
    // one shared supra DeepWalk per dataset point and seed (a paired comparison of the
    // fine-tunings; each arm still reports the embedding's cost in its times).
    default: {
      budgetS: 90,
      seeds: 3,
      datasets: {
        'ml-sbm': { grid: { layers: [12] } },
        'ml-football': { grid: { layers: [3, 12, 37] } },
        'ml-single-layer': { grid: { graph: ['karate'] } },
      },
      subjects: {
        ...patch(DEFAULT_EMBED, { labelFractions: [0.1, 0.5, 0.9] }, { sharedEmbedding: true }),
        'supra-concat': {
          params: { ...DEFAULT_EMBED, labelFractions: [0.5], sharedEmbedding: true },
        },
      },
    },
    paper: {
      seeds: 3,
      subjects: patch(
        { walksPerNode: 10, walkLength: 40, window: 5, dim: 64, epochs: 1, lr: 0.025 },
        { labelFractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] },
      ),
    },
  },
  tables: [
    {
      name: 'communities',
      title:
        'multilayer-embedding: community detection (k-means on the embeddings, or the partition)',
      metrics: [
        'nmi',
        'modularity',
        'multislice_modularity',
        'nmi_pre',
        'modularity_pre',
        'modularity_gain',
      ],
    },
    {
      name: 'classification',
      title: 'multilayer-embedding: node classification (logistic regression), micro/macro-F1',
      metrics: ['micro_f1_50', 'macro_f1_50', 'micro_f1_10', 'micro_f1_90', 'micro_f1', 'macro_f1'],
    },
    {
      name: 'links',
      title: 'multilayer-embedding: per-layer link prediction (20% held-out edges vs non-edges)',
      metrics: ['link_auc'],
    },
    {
      name: 'time',
      title: 'multilayer-embedding: wall time and throughput',
      metrics: ['wall_s', 'embed_s', 'skipgram_s', 'finetune_s', 'walks_per_s', 'pairs_per_s'],
    },
  ],
  figures: [
    {
      name: 'nmi-vs-layers',
      x: 'layers',
      y: 'nmi',
      color: 'subject',
      facet: 'dataset',
      mark: 'line',
    },
    {
      name: 'time-vs-layers',
      x: 'layers',
      y: 'wall_s',
      color: 'subject',
      facet: 'dataset',
      mark: 'line',
    },
  ],
})
