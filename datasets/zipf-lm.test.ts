import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../harness/run/rng.ts'
import { tokenCounts } from './lm-corpus.ts'
import { buildZipfLm, ZipfLmParams, zipfMaps } from './zipf-lm.ts'

test('zipfMaps() draws multipliers coprime to the vocabulary size (each map is a bijection)', () => {
  const V = 60
  const { a, b } = zipfMaps(V, new Rng(1))
  for (let x = 0; x < V; x++) {
    const image = new Set<number>()
    for (let r = 0; r < V; r++) image.add(((a[x] as number) * r + (b[x] as number)) % V)
    assert.equal(image.size, V)
  }
})

test('zipf-lm is deterministic per seed and its next token depends on the current one', () => {
  const p = ZipfLmParams.parse({ vocabSize: 64, trainTokens: 50_000, mix: 1 })
  const d = buildZipfLm(p)
  assert.deepEqual(d.train.subarray(0, 100), buildZipfLm(p).train.subarray(0, 100))
  assert.notDeepEqual(
    d.train.subarray(0, 100),
    buildZipfLm({ ...p, seed: 1 }).train.subarray(0, 100),
  )
  // conditional entropy H(next | current) is far below the marginal entropy H(next)
  const V = 64
  const pair = new Float64Array(V * V)
  for (let i = 0; i + 1 < d.train.length; i++) {
    const k = (d.train[i] as number) * V + (d.train[i + 1] as number)
    pair[k] = (pair[k] as number) + 1
  }
  const marg = tokenCounts(d.train, V)
  const n = d.train.length
  let hMarg = 0
  for (const c of marg) if (c > 0) hMarg -= (c / n) * Math.log(c / n)
  let hCond = 0
  for (let x = 0; x < V; x++) {
    let row = 0
    for (let y = 0; y < V; y++) row += pair[x * V + y] as number
    for (let y = 0; y < V; y++) {
      const c = pair[x * V + y] as number
      if (c > 0) hCond -= (c / (n - 1)) * Math.log(c / row)
    }
  }
  assert.ok(hCond < hMarg - 0.5, `H(next|cur) ${hCond} vs H(next) ${hMarg}`)
})
