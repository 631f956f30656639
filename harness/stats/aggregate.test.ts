import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RECORD_SCHEMA_VERSION, type TrialRecord } from '../store/record.ts'
import { aggregate } from './aggregate.ts'

const record = (
  key: string,
  configKey: string,
  repetition: number,
  value: number,
): TrialRecord => ({
  schema: RECORD_SCHEMA_VERSION,
  key,
  configKey,
  suite: 's',
  profile: 'default',
  subject: { id: 'a', name: 'a', kind: 'method', params: {} },
  dataset: { id: 'd', name: 'd', version: '1', params: {} },
  repetition,
  rootSeed: 0,
  seed: repetition,
  status: 'ok',
  metrics: { acc: { value, unit: '', better: 'higher' } },
  annotations: {},
  codeVersion: key.split('-')[0] as string,
  envHash: 'e',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
})

test('aggregate() summarises repetitions, the latest record of a trial config winning', () => {
  const groups = aggregate([
    record('v1-0', 'c0', 0, 0.5),
    record('v1-1', 'c1', 1, 0.6),
    // A re-run after a commit: new keys, same configs.
    record('v2-0', 'c0', 0, 0.9),
    record('v2-1', 'c1', 1, 0.8),
  ])
  assert.equal(groups.length, 1)
  const acc = groups[0]?.metrics.acc
  assert.equal(acc?.n, 2)
  assert.deepEqual(acc?.values, [0.9, 0.8])
  assert.ok(Math.abs((acc?.mean ?? 0) - 0.85) < 1e-12)
  // t interval with 1 degree of freedom: mean ± 12.7062 * sd / sqrt(2)
  const half = (12.706204736 * (Math.SQRT2 * 0.05)) / Math.SQRT2
  assert.ok(Math.abs((acc?.ci.hi ?? 0) - (0.85 + half)) < 1e-6)
})
