/** The registered suites and their groupings. `npm run bench` runs the `default` group. */
import type { SuiteSpec } from '../harness/spec/schema.ts'
import approxMultipliers from './approx-multipliers.suite.ts'
import denseInference from './dense-inference.suite.ts'
import gnnCentrality from './gnn-centrality.suite.ts'
import gntp from './gntp.suite.ts'
import hashLayers from './hash-layers.suite.ts'
import hashLayersZipf from './hash-layers-zipf.suite.ts'
import margin from './margin.suite.ts'
import multilayerEmbedding from './multilayer-embedding.suite.ts'
import pam from './pam.suite.ts'
import qa from './qa.suite.ts'
import qaAblations from './qa-ablations.suite.ts'
import quantization from './quantization.suite.ts'
import sparseEncoder from './sparse-encoder.suite.ts'
import sparseEngine from './sparse-engine.suite.ts'
import sparseMlp from './sparse-mlp.suite.ts'
import squeezeReasoning from './squeeze-reasoning.suite.ts'
import trainingThroughput from './training-throughput.suite.ts'

export const suites: readonly SuiteSpec[] = [
  denseInference,
  trainingThroughput,
  pam,
  quantization,
  margin,
  qa,
  qaAblations,
  sparseEngine,
  sparseMlp,
  sparseEncoder,
  multilayerEmbedding,
  gnnCentrality,
  approxMultipliers,
  hashLayers,
  hashLayersZipf,
  squeezeReasoning,
  gntp,
]

const all = suites.map((s) => s.name)

/**
 * `default` is what `npm run bench` runs: the studies whose default profile fits a few minutes
 * here (`qa` trains 30 readers in about 4). `qa-ablations` trains 50 readers to convergence for
 * the ablation criterion (about 20 minutes), so it is in `full` only. `gntp`,
 * `multilayer-embedding`, `approx-multipliers`, `hash-layers` and `hash-layers-zipf` joined once
 * their default profiles were trimmed to fit the 90 s budget; their earlier, larger defaults (gntp
 * 2,050 s loaded; multilayer-embedding 141 s, approx-multipliers 141 s and hash-layers 280 s quiet)
 * stay reproducible by the overrides in the READMEs of their results/reference folders.
 */
export const groups: Readonly<Record<string, readonly string[]>> = {
  default: [
    'dense-inference',
    'training-throughput',
    'sparse-engine',
    'sparse-mlp',
    'sparse-encoder',
    'pam',
    'quantization',
    'margin',
    'qa',
    'gnn-centrality',
    'squeeze-reasoning',
    'multilayer-embedding',
    'gntp',
    'approx-multipliers',
    'hash-layers',
    'hash-layers-zipf',
  ],
  smoke: all,
  full: all,
}
