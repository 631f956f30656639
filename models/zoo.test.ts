import assert from 'node:assert/strict'
import { test } from 'node:test'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../harness/run/rng.ts'
import { cnn, decoder, encoder, lenet5, mlp, models } from './index.ts'

await tf.setBackend('cpu')

test('lenet5 with 5 classes on 28x28, same padding, costs 1,377,111 FLOPs under the PAM convention', () => {
  const p = lenet5.params.parse({ numClasses: 5 })
  // conv1 49·4704 + conv2 299·3136 + fc1 1567·120 + fc2 239·84 + logits 167·5 (pools uncounted)
  assert.equal(lenet5.countFlops(p, 'pam'), 1_377_111)
  // 10 classes adds 167·5 = 835
  assert.equal(lenet5.countFlops(lenet5.params.parse({}), 'pam'), 1_377_946)
})

test('lenet5 default FLOPs are 2·MACs', () => {
  const p = lenet5.params.parse({ numClasses: 5 })
  const macs = 25 * 4704 + 150 * 3136 + 784 * 120 + 120 * 84 + 84 * 5
  assert.equal(lenet5.countFlops(p), 2 * macs)
  assert.equal(lenet5.countFlops(p, 'macs'), 2 * macs)
})

test('mlp 784-300-100-10 has 266,610 parameters and 2·266,200 FLOPs', () => {
  const p = mlp.params.parse({})
  assert.equal(mlp.countParams(p), 266_610)
  assert.equal(mlp.countFlops(p), 2 * (784 * 300 + 300 * 100 + 100 * 10))
  assert.equal(mlp.countFlops(p, 'pam'), 1567 * 300 + 599 * 100 + 199 * 10)
})

test('encoder FLOPs count projections, both attention matmuls and the FFN', () => {
  const p = encoder.params.parse({
    vocabSize: 50,
    seqLength: 8,
    layers: 1,
    dModel: 16,
    heads: 2,
    ffn: 32,
    numClasses: 3,
  })
  const t = 8
  const d = 16
  const macs = 4 * t * d * d + 2 * t * t * d + 2 * t * d * 32 + d * 3
  assert.equal(encoder.countFlops(p), 2 * macs)
})

const small = {
  mlp: mlp.params.parse({ hidden: [32, 16], activation: 'tanh' }),
  lenet5: lenet5.params.parse({ numClasses: 5 }),
  lenet5Valid: lenet5.params.parse({ padding: 'valid', pooling: 'avg', inputShape: [32, 32, 3] }),
  cnn: cnn.params.parse({ inputShape: [16, 16, 3], blocks: [[8], [16, 16]], dense: [32] }),
  encoderMean: encoder.params.parse({
    vocabSize: 50,
    seqLength: 8,
    layers: 2,
    dModel: 16,
    heads: 2,
    ffn: 32,
  }),
  encoderTokens: encoder.params.parse({
    vocabSize: 50,
    seqLength: 8,
    layers: 1,
    dModel: 16,
    heads: 4,
    ffn: 24,
    head: 'tokens',
    numClasses: 5,
  }),
  encoderNone: encoder.params.parse({
    vocabSize: 50,
    seqLength: 8,
    layers: 1,
    dModel: 16,
    heads: 4,
    ffn: 24,
    head: 'none',
  }),
  decoder: decoder.params.parse({
    vocabSize: 40,
    seqLength: 8,
    layers: 2,
    dModel: 16,
    heads: 2,
    ffn: 32,
  }),
}

test('the analytic parameter count equals model.countParams() for every zoo model', () => {
  const cases = [
    [mlp, small.mlp],
    [mlp, mlp.params.parse({})],
    [lenet5, small.lenet5],
    [lenet5, small.lenet5Valid],
    [cnn, small.cnn],
    [cnn, cnn.params.parse({})],
    [encoder, small.encoderMean],
    [encoder, small.encoderTokens],
    [encoder, small.encoderNone],
    [decoder, small.decoder],
  ] as const
  for (const [def, p] of cases) {
    // biome-ignore lint/suspicious/noExplicitAny: heterogeneous (def, params) pairs
    const model = def.build(p as any)
    // biome-ignore lint/suspicious/noExplicitAny: heterogeneous (def, params) pairs
    assert.equal(def.countParams(p as any), model.countParams(), `${def.name}`)
    model.dispose()
  }
  assert.deepEqual(
    models.map((m) => m.name),
    ['mlp', 'lenet5', 'cnn', 'encoder', 'decoder'],
  )
})

test('zoo models produce outputs of the documented shapes', () => {
  const lenet = lenet5.build(small.lenet5)
  const out = lenet.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor
  assert.deepEqual(out.shape, [2, 5])
  const tokens = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], [1, 8], 'int32')
  const enc = encoder.build(small.encoderTokens)
  assert.deepEqual((enc.predict(tokens) as tf.Tensor).shape, [1, 8, 5])
  const dec = decoder.build(small.decoder)
  assert.deepEqual((dec.predict(tokens) as tf.Tensor).shape, [1, 8, 40])
  tf.dispose([out, tokens])
  for (const m of [lenet, enc, dec]) m.dispose()
})

test('the decoder is causal: changing a later token leaves earlier logits unchanged', () => {
  const dec = decoder.build(small.decoder, new Rng(3))
  const a = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], [1, 8], 'int32')
  const b = tf.tensor2d([[1, 2, 3, 4, 9, 9, 9, 9]], [1, 8], 'int32')
  const ya = (dec.predict(a) as tf.Tensor).arraySync() as number[][][]
  const yb = (dec.predict(b) as tf.Tensor).arraySync() as number[][][]
  for (let t = 0; t < 4; t++) assert.deepEqual(yb[0]?.[t], ya[0]?.[t])
  assert.notDeepEqual(yb[0]?.[4], ya[0]?.[4])
  dec.dispose()
})

test('build() with the same rng state gives the same weights; another seed gives others', () => {
  const w = (seed: number) =>
    cnn
      .build(small.cnn, new Rng(seed))
      .getWeights()
      .map((t) => Array.from(t.dataSync()))
  assert.deepEqual(w(1), w(1))
  assert.notDeepEqual(w(1), w(2))
})

test('encoder params reject heads that do not divide dModel', () => {
  assert.throws(() => encoder.params.parse({ dModel: 10, heads: 4 }))
})
