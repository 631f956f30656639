/** The registered suites and their groupings. `npm run bench` runs the `default` group. */
import type { SuiteSpec } from '../harness/spec/schema.ts'
import denseInference from './dense-inference.suite.ts'
import margin from './margin.suite.ts'
import pam from './pam.suite.ts'
import qa from './qa.suite.ts'
import quantization from './quantization.suite.ts'
import sparseEncoder from './sparse-encoder.suite.ts'
import sparseEngine from './sparse-engine.suite.ts'
import sparseMlp from './sparse-mlp.suite.ts'
import trainingThroughput from './training-throughput.suite.ts'

export const suites: readonly SuiteSpec[] = [
  denseInference,
  trainingThroughput,
  pam,
  quantization,
  margin,
  qa,
  sparseEngine,
  sparseMlp,
  sparseEncoder,
]

const all = suites.map((s) => s.name)

/**
 * `default` is what `npm run bench` runs: the studies whose default profile fits a few minutes
 * here. `qa` trains 30 readers (5 subjects x 2 datasets x 3 seeds), ~27 minutes of one process on
 * this shared 2-core machine under load, so it is in `full` only.
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
  ],
  smoke: all,
  full: all,
}
