import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { inferLogits, matmulInto, toArrays } from './infer.ts'
import { disposeWeights, forward, initWeights, type LmConfig } from './moe-lm.ts'
import { multiHashRouter, type RouteFeatures, randomTable, tokenRouter } from './routing.ts'

await initTfjs({ prefer: 'wasm' })

test('matmulInto() multiplies with bias into a column slice of a wider output', () => {
  const out = new Float32Array(2 * 4)
  matmulInto(
    Float32Array.from([1, 2, 3, 4]),
    2,
    2,
    Float32Array.from([1, 0, 1, 1]),
    2,
    Float32Array.from([10, 20]),
    out,
    4,
    1,
  )
  // [1 2; 3 4]·[1 0; 1 1] = [3 2; 7 4], plus bias
  assert.deepEqual([...out], [0, 13, 22, 0, 0, 17, 24, 0])
})

test('sparse-dispatch inference gives the tfjs logits (dense, hash, MultiHash and Switch blocks)', () => {
  const cfg: LmConfig = {
    vocabSize: 13,
    seqLength: 6,
    dModel: 8,
    heads: 2,
    blocks: [
      { kind: 'routed', experts: 3, width: 8, segments: 1 },
      { kind: 'switch', experts: 4, width: 8, alpha: 0.01, capacityFactor: 1 },
      { kind: 'routed', experts: 4, width: 8, segments: 2 },
      { kind: 'dense', width: 12 },
    ],
  }
  const rng = new Rng(9)
  const w = initWeights(cfg, rng.fork('w'))
  const n = 3 * cfg.seqLength
  const cur = Int32Array.from({ length: n }, () => rng.int(cfg.vocabSize))
  const f: RouteFeatures = {
    cur,
    prev: cur.map((_, i) => (i % cfg.seqLength === 0 ? -1 : (cur[i - 1] as number))),
    target: cur.map(() => 0),
    pos: cur.map((_, i) => i % cfg.seqLength),
  }
  const r0 = tokenRouter(randomTable(cfg.vocabSize, 3, rng.fork('t0')))
  const r2 = multiHashRouter([
    randomTable(cfg.vocabSize, 4, rng.fork('a')),
    randomTable(cfg.vocabSize, 4, rng.fork('b')),
  ])
  const expected = tf.tidy(() =>
    forward(w, cfg, cur, [r0(f), undefined, r2(f), undefined], {
      training: false,
    }).logits.dataSync(),
  )
  const got = inferLogits(toArrays(w), cfg, f, [r0, undefined, r2, undefined])
  assert.equal(got.length, expected.length)
  for (let i = 0; i < got.length; i++)
    assert.ok(
      Math.abs((got[i] as number) - (expected[i] as number)) < 1e-4,
      `logit ${i}: ${got[i]} vs ${expected[i]}`,
    )
  disposeWeights(w)
})
