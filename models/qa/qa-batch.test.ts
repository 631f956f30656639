import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { questionTypePositions } from './qa-batch.ts'

describe('questionTypePositions()', () => {
  it('takes the first wh-word and the word after it', () => {
    assert.deepEqual(questionTypePositions(['in', 'which', 'room', 'is', 'mary', '?']), [1, 2])
  })
  it('uses the word before a final wh-word, and position 0 without one', () => {
    assert.deepEqual(questionTypePositions(['mary', 'went', 'where']), [2, 1])
    assert.deepEqual(questionTypePositions(['name', 'the', 'room']), [0, 1])
  })
})
