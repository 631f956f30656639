import assert from 'node:assert/strict'
import { test } from 'node:test'
import { averagePrecision, meanTieRank, summarizeRanks } from './metrics.ts'

test('averagePrecision() matches hand-computed values, ties entering together', () => {
  // scikit-learn: average_precision_score([1,0,1,0], [0.9,0.8,0.7,0.1]) = (1 + 2/3) / 2
  assert.ok(
    Math.abs(averagePrecision([0.9, 0.8, 0.7, 0.1], [true, false, true, false]) - 5 / 6) < 1e-12,
  )
  assert.equal(averagePrecision([3, 2, 1], [true, false, false]), 1)
  // all tied: one threshold, precision 2/4 at recall 1
  assert.equal(averagePrecision([1, 1, 1, 1], [true, false, true, false]), 0.5)
})

test('meanTieRank() gives a tied target the mean of the tie group positions', () => {
  assert.equal(meanTieRank([0.5, 0.5, 0.5, 0.5, 0.5], 2), 3)
  assert.equal(meanTieRank([0.9, 0.5, 0.5, 0.1], 1), 2.5)
  assert.equal(meanTieRank([0.9, 0.5, 0.1], 2), 3)
  // filtered: a better known-true candidate is skipped
  assert.equal(
    meanTieRank([0.9, 0.5, 0.1], 1, (i) => i === 0),
    1,
  )
})

test('summarizeRanks() averages reciprocal ranks and hits', () => {
  const s = summarizeRanks([1, 2, 4, 20])
  assert.ok(Math.abs(s.mrr - (1 + 0.5 + 0.25 + 0.05) / 4) < 1e-12)
  assert.equal(s.hits1, 0.25)
  assert.equal(s.hits3, 0.5)
  assert.equal(s.hits10, 0.75)
})
