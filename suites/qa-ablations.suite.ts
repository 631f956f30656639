import { defineSuite } from '../harness/spec/schema.ts'
import qa, { allSubjects, QA_SUBJECTS, tinyBabi, tinyReader } from './qa.suite.ts'

/**
 * The ablation study of `qa` with the statistical power its 1-F1 criterion needs: the readers
 * trained to convergence (8 epochs, the learning rate halved after 2 stale epochs) and many seeds,
 * on the multi-sentence generated set only. Conv encoders, so it fits tens of minutes on 2 cores.
 */
const converged = {
  epochs: 8,
  hidden: 12,
  wordDim: 16,
  charFilters: 8,
  learningRate: 0.005,
  lrPatience: 2,
  latencyMs: 10,
}

export default defineSuite({
  name: 'qa-ablations',
  description:
    'AMANDA vs its ablations and a BiDAF-style reader, trained to convergence over many seeds (paired per seed)',
  datasets: [
    {
      name: 'qa-babi',
      params: { train: 600, dev: 200, test: 400, minSentences: 5, maxSentences: 8 },
    },
  ],
  subjects: QA_SUBJECTS,
  baseline: 'bidaf',
  seeds: 10,
  timeoutS: 600,
  profiles: {
    smoke: {
      seeds: 1,
      timeoutS: 120,
      datasets: { 'qa-babi': { params: tinyBabi } },
      subjects: allSubjects(tinyReader),
    },
    default: { seeds: 10, budgetS: 1500, subjects: allSubjects(converged) },
    paper: {
      seeds: 20,
      datasets: { 'qa-babi': { params: { train: 1000, dev: 200, test: 600 } } },
      subjects: allSubjects(converged),
    },
  },
  tables: (qa.tables ?? []).filter((t) => t.name !== 'countries-types'),
  figures: qa.figures ?? [],
})
