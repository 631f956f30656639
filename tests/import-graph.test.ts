import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { importEdges, layerViolations } from './import-graph.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

test('every import in the tree points down the layers of DESIGN.md', () => {
  const edges = importEdges(ROOT)
  assert.ok(edges.length > 500, `only ${edges.length} imports found: is the scan broken?`)
  assert.deepEqual(layerViolations(edges), [])
})

test('layerViolations() flags an arrow that runs back up', () => {
  const bad = [
    { from: 'datasets/mnist.ts', to: 'models/mlp.ts' },
    { from: 'harness/run/runner.ts', to: 'methods/pam/subject.ts' },
    { from: 'models/train.ts', to: 'studies/margin/study.ts' },
    { from: 'studies/qa/reader-trial.ts', to: 'methods/amanda/subject.ts' },
    { from: 'methods/pam/merge.ts', to: 'methods/quantization/qnet.ts' },
    { from: 'methods/pam/merge.ts', to: 'baselines/mtz/zip.ts' },
    { from: 'baselines/bidaf/subject.ts', to: 'methods/amanda/subject.ts' },
    { from: 'baselines/mtz/zip.ts', to: 'baselines/no-merge/subject.ts' },
  ]
  assert.deepEqual(
    layerViolations(bad),
    bad.map((e) => `${e.from} -> ${e.to}`),
  )
})

test('layerViolations() allows imports down the layers and the two list files', () => {
  const good = [
    { from: 'models/mlp.ts', to: 'datasets/image-data.ts' },
    { from: 'studies/margin/study.ts', to: 'models/mlp.ts' },
    { from: 'methods/pam/subject.ts', to: 'studies/multitask/arm.ts' },
    { from: 'methods/pam/subject.ts', to: 'methods/pam/merge.ts' },
    { from: 'methods/index.ts', to: 'methods/pam/index.ts' },
    { from: 'baselines/index.ts', to: 'baselines/mtz/index.ts' },
    { from: 'suites/pam.suite.ts', to: 'harness/spec/schema.ts' },
  ]
  assert.deepEqual(layerViolations(good), [])
})
