import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import {
  arms,
  criteria,
  DEGREE,
  MULTITASK,
  renderCentrality,
  SINGLE_TASK,
  sizeRows,
} from './summary.ts'

function record(
  name: string,
  rep: number,
  metrics: Record<string, number>,
  task?: string,
): TrialRecord {
  const params = task ? { task } : {}
  return {
    schema: 1,
    key: `${name}-${task ?? ''}-${rep}`,
    configKey: `${name}-${task ?? ''}-${rep}`,
    suite: 'gnn-centrality',
    profile: 'default',
    subject: { id: name, name, params, kind: name === MULTITASK ? 'method' : 'baseline' },
    dataset: { id: 'centrality-graphs', name: 'centrality-graphs', params: {}, version: '1' },
    repetition: rep,
    rootSeed: 0,
    seed: rep,
    status: 'ok',
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([k, value]) => [
        k,
        { value, unit: '%', better: 'higher' as const },
      ]),
    ),
    annotations: {},
    codeVersion: 'x',
    envHash: 'y',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
  }
}

const multi = {
  acc_degree: 96,
  acc_betweenness: 90,
  acc_closeness: 84,
  acc_eigenvector: 88,
  acc_mean: 89.5,
  extreme_mean: 83,
  drop_extreme: 6.5,
  unseen_mean: 88,
  drop_unseen: 1.5,
  real_mean: 80,
  size32_degree: 97,
  size128_degree: 93,
}
const heuristic = {
  acc_degree: 100,
  acc_betweenness: 88,
  acc_closeness: 75,
  acc_eigenvector: 73,
  acc_mean: 84,
}

function fixture(): TrialRecord[] {
  const out = [0, 1, 2].flatMap((rep) => [
    record(MULTITASK, rep, multi),
    record(DEGREE, rep, heuristic),
  ])
  for (const [task, acc] of [
    ['degree', 97],
    ['betweenness', 91],
    ['closeness', 85],
    ['eigenvector', 89],
  ] as const)
    out.push(
      record(
        SINGLE_TASK,
        0,
        { [`acc_${task}`]: acc, acc_mean: acc, [`size32_${task}`]: acc },
        task,
      ),
    )
  return out
}

describe('gnn-centrality summary', () => {
  it('arms() finds the multitask run, one single-task group per centrality and the heuristic', () => {
    const a = arms(fixture())
    assert.equal(a.multi?.n, 3)
    assert.deepEqual(Object.keys(a.single).sort(), [
      'betweenness',
      'closeness',
      'degree',
      'eigenvector',
    ])
    assert.equal(a.degree?.metrics.acc_closeness?.mean, 75)
  })

  it('criteria() passes and fails on the brief thresholds with the measured margins', () => {
    const c = criteria(arms(fixture()))
    const by = (word: string) => c.find((x) => x.text.includes(word))
    assert.equal(by('mean test accuracy')?.pass, true)
    // single-task mean (97+91+85+89)/4 = 90.5; multitask 89.5: within 2 points
    assert.equal(by('single-task mean')?.pass, true)
    assert.match(by('single-task mean')?.text ?? '', /90\.5/)
    // betweenness +2 (fails), closeness +9, eigenvector +15
    assert.equal(by('on betweenness')?.pass, false)
    assert.equal(by('on closeness')?.pass, true)
    assert.equal(by('on eigenvector')?.pass, true)
    assert.equal(by('larger graphs')?.pass, true)
    assert.equal(by('real graphs')?.pass, true)
  })

  it('renders the paper-style table and the size rows for the figure', () => {
    const md = renderCentrality(fixture())
    assert.match(
      md,
      /\| multitask GNN \| 90\.0 ± 0\.0 \| 84\.0 ± 0\.0 \| 96\.0 ± 0\.0 \| 88\.0 ± 0\.0 \|/,
    )
    assert.match(md, /FAIL: beats the degree heuristic on betweenness/)
    const rows = sizeRows(fixture())
    assert.ok(rows.some((r) => r.model === 'multitask GNN' && r.n === 144 && r.accuracy === 93))
    assert.equal(rows.filter((r) => r.model === 'single-task GNN').length, 4)
  })
})
