import assert from 'node:assert/strict'
import { test } from 'node:test'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../harness/run/rng.ts'
import { decoder } from './decoder.ts'
import { encoder } from './encoder.ts'
import { evaluate, train } from './train.ts'

await tf.setBackend('cpu')

test('the decoder LM is trainable: it learns to continue a counting sequence', async () => {
  const p = decoder.params.parse({
    vocabSize: 12,
    seqLength: 6,
    layers: 1,
    dModel: 16,
    heads: 2,
    ffn: 32,
  })
  // sequences s, s+1, ... (mod 12); targets are the inputs shifted by one
  const starts = Array.from({ length: 48 }, (_, i) => i % 12)
  const x = tf.tensor2d(
    starts.map((s) => Array.from({ length: 6 }, (_, t) => (s + t) % 12)),
    undefined,
    'int32',
  )
  const y = tf.tensor2d(
    starts.map((s) => Array.from({ length: 6 }, (_, t) => (s + t + 1) % 12)),
    undefined,
    'int32',
  )
  const rng = new Rng(4)
  const model = decoder.build(p, rng.fork('init'))
  const before = evaluate(model, x, y)
  const result = await train(model, x, y, { rng, epochs: 8, batchSize: 16, learningRate: 0.01 })
  const after = evaluate(model, x, y)
  assert.ok(after.loss < before.loss / 2, `${before.loss} -> ${after.loss}`)
  assert.ok(after.accuracy > 0.5, `accuracy ${after.accuracy}`)
  assert.equal(result.history.length, 8)
  tf.dispose([x, y])
  model.dispose()
})

test('the encoder is trainable: it classifies whether token 1 occurs in a sequence', async () => {
  const p = encoder.params.parse({
    vocabSize: 8,
    seqLength: 6,
    layers: 1,
    dModel: 16,
    heads: 2,
    ffn: 32,
    numClasses: 2,
  })
  const data = new Rng(9)
  const rows: number[][] = []
  const labels: number[] = []
  for (let i = 0; i < 64; i++) {
    const row = Array.from({ length: 6 }, () => 2 + data.int(6))
    if (i % 2 === 0) row[data.int(6)] = 1
    rows.push(row)
    labels.push(i % 2 === 0 ? 1 : 0)
  }
  const x = tf.tensor2d(rows, undefined, 'int32')
  const y = tf.tensor1d(labels, 'int32')
  const rng = new Rng(5)
  const model = encoder.build(p, rng.fork('init'))
  await train(model, x, y, { rng, epochs: 10, batchSize: 16, learningRate: 0.01 })
  const after = evaluate(model, x, y)
  assert.ok(after.accuracy > 0.8, `accuracy ${after.accuracy}`)
  tf.dispose([x, y])
  model.dispose()
})
