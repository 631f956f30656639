import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { BABI_QUESTION_TYPES, generateBabi } from './qa-babi.ts'
import { buildWordVocab } from './qa-text.ts'

const small = { train: 300, dev: 40, test: 120 }

describe('qa-babi generator', () => {
  it('generateBabi() is deterministic per seed and pinned for seed 7', () => {
    const a = generateBabi(7, small)
    assert.deepEqual(a, generateBabi(7, small))
    assert.notDeepEqual(a.train[0], generateBabi(8, small).train[0])
    const first = a.train[0]
    assert.ok(first)
    assert.equal(first.question.join(' '), PINNED_QUESTION)
    assert.equal(first.answers[0], PINNED_ANSWER)
    const digest = createHash('sha256').update(JSON.stringify(a)).digest('hex').slice(0, 16)
    assert.equal(digest, PINNED_DIGEST)
  })

  it('every answer is a 1-3 token span of its passage', () => {
    const d = generateBabi(3, small)
    for (const ex of [...d.train, ...d.dev, ...d.test]) {
      assert.ok(ex.start >= 0 && ex.end >= ex.start && ex.end < ex.passage.length, ex.id)
      assert.ok(ex.end - ex.start < 3, ex.id)
      assert.equal(ex.passage.slice(ex.start, ex.end + 1).join(' '), ex.answers[0], ex.id)
    }
  })

  it('answers follow the story: where-object needs the holder and where they went', () => {
    const d = generateBabi(5, small)
    const ex = d.train.find((e) => e.type === 'where-object' && e.hops === '2-hop')
    assert.ok(ex)
    const obj = ex.question[ex.question.length - 2] as string
    // The object's name never occurs in the sentence that holds the answer room.
    const text = ex.passage.join(' ')
    const sentences = text.split(' . ')
    const answerSentence = sentences.find(
      (s) => s.includes(ex.answers[0] as string) && /went|moved|journeyed/.test(s),
    )
    assert.ok(answerSentence)
    assert.ok(text.includes(obj))
  })

  it('test questions use held-out templates; train and dev never do', () => {
    const d = generateBabi(11, small)
    assert.ok(d.train.every((e) => e.template !== 2))
    assert.ok(d.dev.every((e) => e.template !== 2))
    assert.ok(d.test.every((e) => e.template === 2))
    // The held-out templates reuse training words, so they are not lost to <unk>.
    const vocab = buildWordVocab(d.train)
    for (const ex of d.test)
      for (const w of ex.question) assert.notEqual(vocab.id(w), 1, `"${w}" unseen`)
  })

  it('covers every question family and reasoning tag, with pronouns in passages', () => {
    const d = generateBabi(2, { train: 1000, dev: 10, test: 10 })
    const types = new Set(d.train.map((e) => e.type))
    for (const t of BABI_QUESTION_TYPES) assert.ok(types.has(t), `no ${t} question`)
    const hops = new Set(d.train.map((e) => e.hops))
    for (const h of ['1-hop', '2-hop', 'coref', 'count']) assert.ok(hops.has(h), `no ${h} question`)
    assert.ok(d.train.some((e) => e.passage.includes('he') || e.passage.includes('she')))
  })
})

const PINNED_QUESTION = 'where is the milk ?'
const PINNED_ANSWER = 'cellar'
const PINNED_DIGEST = 'cf66c77bf29c56a1'
