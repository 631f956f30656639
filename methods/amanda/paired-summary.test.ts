import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import { pairedRows, renderPaired, verdictOf } from './paired-summary.ts'

function record(subject: string, rep: number, f1: number): TrialRecord {
  return {
    schema: 1,
    key: `${subject}#${rep}`,
    configKey: `${subject}#${rep}`,
    suite: 'qa',
    profile: 'smoke',
    subject: { id: subject, name: subject, kind: 'method', params: {} },
    dataset: { id: 'qa-babi', name: 'qa-babi', version: '1', params: { train: 10 } },
    repetition: rep,
    rootSeed: 0,
    seed: rep,
    status: 'ok',
    metrics: { f1: { value: f1, unit: '%', better: 'higher' } },
    annotations: {},
    codeVersion: '',
    envHash: '',
    startedAt: '',
    durationMs: 0,
  }
}

test('pairedRows() takes AMANDA minus each reader per repetition, with a paired t interval', () => {
  const records = [
    ...[70, 72, 74].map((v, i) => record('amanda', i, v)),
    // Leads of 2, 4, 6: mean 4, sd 2, half-width t(0.975, 2)·2/√3 = 4.3027·1.1547 = 4.968.
    ...[68, 68, 68].map((v, i) => record('amanda-no-qma', i, v)),
    // Leads of 10, 11, 12: mean 11, sd 1, half-width 2.484, so the interval clears 3.
    ...[60, 61, 62].map((v, i) => record('bidaf', i, v)),
  ]
  const rows = pairedRows(records, 'qa')
  const abl = rows.find((r) => r.subject === 'amanda-no-qma')
  const bidaf = rows.find((r) => r.subject === 'bidaf')
  assert.ok(abl && bidaf)
  assert.equal(abl.n, 3)
  assert.ok(Math.abs(abl.mean - 4) < 1e-12)
  assert.ok(Math.abs(abl.lo - (4 - 4.968)) < 1e-3, `lo ${abl.lo}`)
  assert.equal(abl.required, 1)
  assert.equal(abl.verdict, 'mean only')
  assert.ok(Math.abs(bidaf.lo - (11 - 2.484)) < 1e-3, `lo ${bidaf.lo}`)
  assert.equal(bidaf.required, 3)
  assert.equal(bidaf.verdict, 'holds')
  const md = renderPaired('qa', rows)
  assert.match(md, /\| bidaf \| f1 \| 3 \| 11\.0 \[8\.5, 13\.5\] \| .* \| ≥ 3 \| holds \|/)
})

test('verdictOf() needs the interval above the criterion, and two seeds', () => {
  assert.equal(verdictOf(0.5, -1, 1, 5), 'does not hold')
  assert.equal(verdictOf(2, 0.5, 1, 5), 'mean only')
  assert.equal(verdictOf(2, 1, 1, 5), 'holds')
  assert.equal(verdictOf(2, Number.NaN, 1, 1), 'too few seeds')
})
