import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrialRecord } from '../../harness/store/record.ts'
import { approxSummary } from './summary.ts'

function rec(
  mapping: string,
  level: number,
  seed: number,
  m: Record<string, number>,
  search = false,
): TrialRecord {
  const metrics = Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, { value: v, unit: '%', better: 'higher' }]),
  )
  return {
    suite: 'approx-multipliers',
    status: 'ok',
    rootSeed: 0,
    repetition: seed,
    subject: {
      id: mapping,
      name: mapping === 'balanced' ? 'approx-pn' : 'approx-uniform',
      kind: 'method',
      params: { model: 'lenet5', level, search, ...(mapping === 'balanced' ? {} : { mapping }) },
    },
    metrics,
  } as unknown as TrialRecord
}

test('the summary picks, per seed, the largest saving whose calibration drop is within 1 pt', () => {
  const records = [
    // balanced: level 3 within budget on seed 0 (saving 30), only level 2 on seed 1 (saving 20)
    rec('balanced', 2, 0, { energy_saving: 20, calib_drop: 0.2, acc_drop: 0.1 }),
    rec('balanced', 3, 0, { energy_saving: 30, calib_drop: 0.9, acc_drop: 0.8 }),
    rec('balanced', 2, 1, { energy_saving: 20, calib_drop: 0.5, acc_drop: 0.4 }),
    rec('balanced', 3, 1, { energy_saving: 30, calib_drop: 1.5, acc_drop: 1.2 }),
    // all-negative: nothing within budget on either seed -> 0
    rec('all-negative', 2, 0, { energy_saving: 20, calib_drop: 2, acc_drop: 2 }),
    rec('all-negative', 2, 1, { energy_saving: 20, calib_drop: 3, acc_drop: 3 }),
  ]
  const md = approxSummary.render?.(records) ?? ''
  assert.match(md, /\| balanced \| 25\.0 ± 7\.1 \| 0\.60 ± 0\.28 \| 25\.0 \|/)
  assert.match(md, /\| all-negative \| 0\.0 ± 0\.0 \| 0\.00 ± 0\.00 \| 0\.0 \|/)
  assert.match(md, /balanced above 1 of 1 baselines/)
})
