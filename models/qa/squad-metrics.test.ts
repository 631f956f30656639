import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exactMatch, f1Score, normalizeAnswer, scoreAnswer } from './squad-metrics.ts'

describe('SQuAD-style scoring', () => {
  it('normalizeAnswer() drops case, punctuation, articles and extra spaces', () => {
    assert.equal(normalizeAnswer('  The  Kitchen! '), 'kitchen')
    assert.equal(normalizeAnswer('An apple, a pear'), 'apple pear')
    assert.equal(normalizeAnswer('theatre'), 'theatre')
  })

  it('exactMatch() compares normalised strings', () => {
    assert.equal(exactMatch('the garden', 'Garden.'), 1)
    assert.equal(exactMatch('garden shed', 'garden'), 0)
  })

  it('f1Score() matches hand-computed token overlaps', () => {
    // pred {new, york, city}, gold {new, york}: P = 2/3, R = 1, F1 = 2*(2/3)/(5/3) = 0.8
    assert.ok(Math.abs(f1Score('New York City', 'new york') - 0.8) < 1e-12)
    // pred {in, morning} (article dropped), gold {morning}: P = 1/2, R = 1, F1 = 2/3
    assert.ok(Math.abs(f1Score('in the morning', 'morning') - 2 / 3) < 1e-12)
    // repeated tokens count once per gold occurrence: pred {a1, a1}, gold {a1}: P = 1/2, R = 1
    assert.ok(Math.abs(f1Score('paris paris', 'paris') - 2 / 3) < 1e-12)
    assert.equal(f1Score('kitchen', 'garden'), 0)
    assert.equal(f1Score('the', 'a'), 1) // both normalise to empty
    assert.equal(f1Score('the', 'garden'), 0)
  })

  it('scoreAnswer() takes the best gold answer for each score', () => {
    const s = scoreAnswer('spain', ['france', 'Spain', 'spain and france'])
    assert.equal(s.em, 1)
    assert.equal(s.f1, 1)
    const t = scoreAnswer('north spain', ['spain', 'france'])
    assert.equal(t.em, 0)
    assert.ok(Math.abs(t.f1 - 2 / 3) < 1e-12)
    assert.throws(() => scoreAnswer('x', []), /no gold answers/)
  })
})
