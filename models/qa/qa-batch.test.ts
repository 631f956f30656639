import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { Vocab } from '../../datasets/qa-text.ts'
import { disposeBatch, makeBatch, questionTypePositions } from './qa-batch.ts'

describe('questionTypePositions()', () => {
  it('takes the first wh-word and the word after it', () => {
    assert.deepEqual(questionTypePositions(['in', 'which', 'room', 'is', 'mary', '?']), [1, 2])
  })
  it('uses the word before a final wh-word, and position 0 without one', () => {
    assert.deepEqual(questionTypePositions(['mary', 'went', 'where']), [2, 1])
    assert.deepEqual(questionTypePositions(['name', 'the', 'room']), [0, 1])
  })
})

describe('makeBatch()', () => {
  it('stores each distinct word once and points every token at its characters', async () => {
    await tf.setBackend('cpu')
    const ex = (passage: string[], question: string[]) => ({
      id: 'x',
      passage,
      question,
      start: 0,
      end: 0,
      answers: [passage[0] as string],
      type: 't',
      hops: '1-hop',
      template: 0,
    })
    const examples = [ex(['mary', 'went', 'home'], ['where', 'is', 'mary']), ex(['bob'], ['who'])]
    const text = examples.flatMap((e) => [...e.passage, ...e.question])
    const chars = new Vocab([...new Set(text.join(''))].sort())
    const b = makeBatch(examples, { words: new Vocab(text), chars, maxWordLength: 4 })
    const rows = b.wordChars.arraySync()
    assert.equal(rows.length, 1 + new Set(text).size) // row 0 is padding
    assert.ok(rows[0]?.every((c) => c === 0))
    const spell = (r: number) =>
      (rows[r] as number[])
        .filter((c) => c > 0)
        .map((c) => chars.tokens[c])
        .join('')
    const p = b.passageWords.arraySync()
    assert.deepEqual(
      p.map((row) => row.map(spell)),
      [
        ['mary', 'went', 'home'],
        ['bob', '', ''],
      ],
    )
    assert.equal(spell(b.questionWords.arraySync()[0]?.[2] as number), 'mary')
    assert.equal(p[0]?.[0], b.questionWords.arraySync()[0]?.[2]) // one row for both mentions
    disposeBatch(b)
  })
})
