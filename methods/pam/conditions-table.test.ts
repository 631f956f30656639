import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import { conditionRows, conditionsMarkdown } from './conditions-table.ts'

/** A record of `subject` at repetition `rep` whose layer-0 conditions at every stage are `v`. */
function record(subject: string, combo: string, rep: number, v: number): TrialRecord {
  const m = (value: number) => ({ value, unit: '', better: 'lower' as const })
  const metrics: TrialRecord['metrics'] = { flops: m(1) }
  for (const stage of ['merged', 'start', 'end'])
    for (const c of ['c1Mi', 'c1Leak', 'c2Multi', 'c3None']) metrics[`${c}_l0_${stage}`] = m(v)
  return {
    schema: 1,
    key: `${subject}${combo}${rep}`,
    configKey: '',
    suite: 'pam',
    profile: 'smoke',
    subject: {
      id: subject,
      name: subject,
      kind: subject === 'pam' ? 'method' : 'baseline',
      params: {
        combo,
        pruner: 'taylor',
        model: 'mlp',
        ...(subject === 'pam' ? { alpha: 0.05, irrelevance: 'marginal', miScale: 'max' } : {}),
      },
    },
    dataset: {
      id: 'mnist-tasks',
      name: 'mnist-tasks',
      version: '1',
      params: { taskSet: 'halves' },
    },
    repetition: rep,
    rootSeed: 0,
    seed: 0,
    status: 'ok',
    metrics,
    annotations: {},
    codeVersion: '',
    envHash: '',
    startedAt: '',
    durationMs: 0,
  }
}

test('conditionRows() averages one record per seed and keeps arms and stages apart', () => {
  const rows = conditionRows([
    record('pam', 'A', 0, 0.2),
    record('pam', 'A+B', 0, 0.9), // same seed, same net: ignored
    record('pam', 'A', 1, 0.4),
    record('no-merge', 'A', 0, 1),
  ])
  const pamEnd = rows.find((r) => r.arm.startsWith('pam') && r.stage === 'end')!
  assert.equal(pamEnd.arm, 'pam α=0.05 marginal/max')
  assert.equal(pamEnd.seeds, 2)
  assert.ok(Math.abs(pamEnd.values[0]! - 0.3) < 1e-12)
  assert.equal(rows.length, 6) // 2 arms × 1 layer × 3 stages
  assert.match(
    conditionsMarkdown(rows),
    /\| halves · mlp · taylor \| no-merge \| 0 \| merged \| 1 \| 1\.000 /,
  )
  assert.equal(conditionsMarkdown([]), '')
})
