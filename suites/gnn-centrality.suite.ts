import { defineSuite } from '../harness/spec/schema.ts'

const CENTRALITY_TASKS = ['degree', 'betweenness', 'closeness', 'eigenvector']

/** The GNN settings of the default profile (multitask and single-task alike). */
const DEFAULT_GNN = {
  dim: 32,
  iterations: 5,
  messageLayers: 3,
  decoderLayers: 2,
  epochs: 4,
  batchesPerEpoch: 8,
  batchSize: 6,
  learningRate: 2e-3,
  trainPairs: 256,
  maxPairs: 2048,
  rankRef: 32,
}

/** Evaluation sampling of the default profile, the same for every subject. */
const DEFAULT_EVAL = { maxPairs: 2048, rankRef: 32 }

/**
 * Multitask centrality GNN (Avelar et al., RN model) vs four single-task GNNs and the degree
 * heuristic: pairwise "is c(i) > c(j)" accuracy for degree, betweenness, closeness and eigenvector
 * centrality on random graphs (ER, power-law tree, Watts-Strogatz, Holme-Kim), larger graphs,
 * unseen families (Barabasi-Albert, random shell) and real graphs.
 *
 * - smoke: tiny graphs and networks, one seed (seconds).
 * - default: d = 32, T = 5, 32 steps of 6 graphs (n 32-128, 96 training graphs) per network,
 *   256 sampled pairs per graph and step, Adam 2e-3; evaluation on at most 2048 sampled pairs per
 *   graph (P@10 ranks large graphs against 32 sampled opponents per vertex); 15 networks (3 seeds
 *   x (1 multitask + 4 single-task)). About 90-100 s of CPU time (the process's user time; wall
 *   time on the loaded shared machine is several times that).
 *   results/reference/gnn-centrality-48steps holds a longer setting (T = 6, 48 steps, 16384 pairs).
 * - paper: the reference's scale: d = 64, T = 32, 32 epochs x 32 batches x 32 graphs, every pair,
 *   Adam 2e-5 with clip 0.65, 4096 training graphs per family, larger graphs up to 512 vertices,
 *   256 graphs per unseen family, the real graphs including US counties (3.1k vertices). Cost: the
 *   reference took about 1 h 45 per network on a GPU; here expect days on 2 cores (not run).
 */
/** The reference scale (the brief's RN run): every pair, T = 32, for both GNN arms. */
const PAPER_GNN = {
  dim: 64,
  iterations: 32,
  epochs: 32,
  batchesPerEpoch: 32,
  batchSize: 32,
  learningRate: 2e-5,
  clipNorm: 0.65,
  trainPairs: 0,
}

export default defineSuite({
  name: 'gnn-centrality',
  description:
    'Multitask GNN for centrality ranking (degree, betweenness, closeness, eigenvector) vs single-task GNNs and the degree heuristic',
  datasets: [{ name: 'centrality-graphs' }],
  subjects: [
    { name: 'gnn-centrality' },
    { name: 'gnn-centrality-single-task', grid: { task: CENTRALITY_TASKS } },
    { name: 'centrality-degree-heuristic' },
  ],
  baseline: 'centrality-degree-heuristic',
  seeds: 3,
  timeoutS: 3600,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: {
        'centrality-graphs': {
          params: {
            trainPerFamily: 2,
            testPerFamily: 1,
            nMin: 16,
            nMax: 24,
            extremePerFamily: 1,
            extremeMin: 32,
            extremeMax: 40,
            unseenPerFamily: 1,
            real: ['karate', 'lesmis', 'countries', 'flare', 'airports'],
          },
        },
      },
      subjects: {
        'gnn-centrality': {
          params: {
            dim: 8,
            iterations: 2,
            messageLayers: 1,
            epochs: 1,
            batchesPerEpoch: 2,
            batchSize: 2,
            trainPairs: 64,
          },
        },
        'gnn-centrality-single-task': {
          params: {
            dim: 8,
            iterations: 2,
            messageLayers: 1,
            epochs: 1,
            batchesPerEpoch: 2,
            batchSize: 2,
            trainPairs: 64,
          },
          grid: { task: ['betweenness'] },
        },
      },
    },
    default: {
      budgetS: 90,
      seeds: 3,
      datasets: {
        'centrality-graphs': {
          params: {
            trainPerFamily: 24,
            testPerFamily: 8,
            extremePerFamily: 2,
            extremeMin: 128,
            extremeMax: 256,
            unseenPerFamily: 8,
            real: ['karate', 'lesmis', 'countries', 'flare', 'airports'],
          },
        },
      },
      subjects: {
        'gnn-centrality': { params: DEFAULT_GNN },
        'gnn-centrality-single-task': { params: DEFAULT_GNN },
        'centrality-degree-heuristic': { params: DEFAULT_EVAL },
      },
    },
    paper: {
      seeds: 3,
      datasets: {
        'centrality-graphs': {
          params: {
            trainPerFamily: 4096,
            testPerFamily: 256,
            extremePerFamily: 64,
            extremeMin: 128,
            extremeMax: 512,
            unseenPerFamily: 256,
            real: ['karate', 'lesmis', 'countries', 'flare', 'airports', 'counties'],
          },
        },
      },
      subjects: {
        'gnn-centrality': {
          params: PAPER_GNN,
        },
        'gnn-centrality-single-task': {
          params: PAPER_GNN,
        },
      },
    },
  },
  tables: [
    {
      name: 'accuracy',
      title: 'gnn-centrality: pairwise accuracy per centrality (test graphs, %)',
      metrics: ['acc_mean', 'acc_betweenness', 'acc_closeness', 'acc_degree', 'acc_eigenvector'],
    },
    {
      name: 'ranking',
      title: 'gnn-centrality: AUC and precision@10 of the induced ranking (%)',
      metrics: [
        'auc_mean',
        'p10_mean',
        'auc_betweenness',
        'auc_closeness',
        'auc_eigenvector',
        'p10_betweenness',
        'p10_closeness',
        'p10_eigenvector',
      ],
    },
    {
      name: 'families',
      title: 'gnn-centrality: mean accuracy per graph family (%; ba and shell unseen in training)',
      metrics: ['fam_er', 'fam_tree', 'fam_ws', 'fam_plc', 'fam_ba', 'fam_shell'],
    },
    {
      name: 'generalisation',
      title: 'gnn-centrality: larger graphs, unseen families, real graphs (mean accuracy, %)',
      metrics: [
        'acc_mean',
        'extreme_mean',
        'drop_extreme',
        'unseen_mean',
        'drop_unseen',
        'real_mean',
      ],
    },
    {
      name: 'real',
      title: 'gnn-centrality: real graphs (mean accuracy over centralities, %)',
      metrics: [
        'real_mean',
        'real_karate',
        'real_lesmis',
        'real_countries',
        'real_flare',
        'real_airports',
      ],
    },
    {
      name: 'training',
      title: 'gnn-centrality: training cost',
      metrics: ['train_graphs_per_s', 'train_s', 'params', 'final_loss'],
    },
  ],
  figures: [
    { name: 'accuracy-by-subject', x: 'subject', y: 'acc_mean', color: 'task', mark: 'bar' },
  ],
})
