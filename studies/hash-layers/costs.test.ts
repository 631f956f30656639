import assert from 'node:assert/strict'
import { test } from 'node:test'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../harness/run/rng.ts'
import { activeParams, countParams, flopsPerToken } from './costs.ts'
import { disposeWeights, initWeights, type LmConfig, weightCount } from './moe-lm.ts'

await tf.setBackend('cpu')

const base = { vocabSize: 10, seqLength: 4, dModel: 8, heads: 2 }

test('countParams() is the number of weights the model holds, for every FFN kind', () => {
  const cfgs: LmConfig[] = [
    { ...base, blocks: [{ kind: 'dense', width: 16 }] },
    {
      ...base,
      blocks: [
        { kind: 'routed', experts: 3, width: 16, segments: 2 },
        { kind: 'dense', width: 4 },
      ],
    },
    { ...base, blocks: [{ kind: 'switch', experts: 5, width: 16, alpha: 0, capacityFactor: 0 }] },
  ]
  for (const cfg of cfgs) {
    const w = initWeights(cfg, new Rng(1))
    assert.equal(countParams(cfg), weightCount(w))
    disposeWeights(w)
  }
})

test('countParams() and flopsPerToken() match a hand count', () => {
  // emb 10·8 + 4·8 = 112; block: norms 32, attention 4·72 = 288, dense FFN 8·16+16+16·8+8 = 280;
  // final norm 16, output 8·10+10 = 90 -> 818
  const dense: LmConfig = { ...base, blocks: [{ kind: 'dense', width: 16 }] }
  assert.equal(countParams(dense), 818)
  // 4·2·64 = 512 projections, 2·2·4·8 = 128 attention, 2·2·8·16 = 512 FFN, 2·8·10 = 160 logits
  assert.equal(flopsPerToken(dense), 1312)
  const sw: LmConfig = {
    ...base,
    blocks: [{ kind: 'switch', experts: 4, width: 16, alpha: 0.01, capacityFactor: 1.25 }],
  }
  assert.equal(countParams(sw), 818 + 3 * 280 + 32)
  assert.equal(flopsPerToken(sw), 1312 + 2 * 8 * 4)
  assert.equal(activeParams(sw), 818 + 32)
  const hash: LmConfig = {
    ...base,
    blocks: [{ kind: 'routed', experts: 4, width: 16, segments: 1 }],
  }
  assert.equal(flopsPerToken(hash), 1312)
  assert.equal(activeParams(hash), 818)
})
