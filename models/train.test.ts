import assert from 'node:assert/strict'
import { test } from 'node:test'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { toTensors } from '../datasets/image-data.ts'
import { generateSyntheticImages } from '../datasets/synthetic-images.ts'
import { Rng } from '../harness/run/rng.ts'
import { lenet5 } from './lenet5.ts'
import { mlp } from './mlp.ts'
import { type EpochLog, evaluate, predict, train } from './train.ts'

await tf.setBackend('cpu')

// Small on purpose: the pure-JS cpu backend computes conv filter gradients slowly.
const data = generateSyntheticImages({
  train: 150,
  calibration: 50,
  test: 100,
  height: 10,
  width: 10,
  channels: 1,
  numClasses: 5,
  noise: 0.1,
  seed: 0,
})

async function trainMlp(seed: number, optimizer: 'sgd' | 'momentum' | 'adam' = 'adam') {
  const { x, y } = toTensors(data.train, 'flat')
  const rng = new Rng(seed)
  const model = mlp.build(mlp.params.parse({ inputSize: 100, hidden: [16] }), rng.fork('init'))
  const result = await train(model, x, y, { rng, epochs: 2, batchSize: 32, optimizer })
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()))
  tf.dispose([x, y])
  model.dispose()
  return { weights, result }
}

test('train() is deterministic: the same seed gives the same weights bit for bit', async () => {
  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    const a = await trainMlp(7, optimizer)
    const b = await trainMlp(7, optimizer)
    assert.deepEqual(a.weights, b.weights, optimizer)
    assert.deepEqual(
      a.result.history.map((h) => h.loss),
      b.result.history.map((h) => h.loss),
    )
  }
})

test('train() with another seed gives other weights', async () => {
  const a = await trainMlp(7)
  const b = await trainMlp(8)
  assert.notDeepEqual(a.weights, b.weights)
})

test('lenet5 trained briefly on synthetic images learns (test accuracy well above the 0.2 of chance)', async () => {
  const train1 = toTensors(data.train)
  const val = toTensors(data.calibration)
  const testSet = toTensors(data.test)
  const rng = new Rng(1)
  const model = lenet5.build(
    lenet5.params.parse({
      inputShape: [10, 10, 1],
      filters: [4, 8],
      units: [32, 16],
      numClasses: 5,
    }),
    rng.fork('init'),
  )
  const logs: EpochLog[] = []
  let clock = 0
  const result = await train(model, train1.x, train1.y, {
    rng,
    epochs: 3,
    batchSize: 25,
    optimizer: 'adam',
    learningRate: 0.02,
    validation: { x: val.x, y: val.y },
    earlyStop: { patience: 1 },
    onEpoch: (log) => {
      logs.push(log)
    },
    now: () => (clock += 500),
  })
  assert.equal(logs.length, result.history.length)
  assert.ok(result.samplesPerSecond > 0)
  assert.ok(result.bestEpoch >= 1 && result.bestEpoch <= result.history.length)
  const evaluation = evaluate(model, testSet.x, testSet.y)
  assert.equal(evaluation.n, 100)
  assert.ok(evaluation.accuracy > 0.5, `accuracy ${evaluation.accuracy}`)
  assert.equal(result.final.valAccuracy, Math.max(...logs.map((l) => l.valAccuracy ?? 0)))
  const out = predict(model, testSet.x, { batchSize: 32 })
  assert.deepEqual(out.shape, [100, 5])
  tf.dispose([train1.x, train1.y, val.x, val.y, testSet.x, testSet.y, out])
  model.dispose()
})

test('early stopping stops after `patience` epochs without improvement and restores the best', async () => {
  const { x, y } = toTensors(data.train, 'flat')
  const model = mlp.build(mlp.params.parse({ inputSize: 100, hidden: [8] }), new Rng(2))
  // learning rate 0: validation never improves after epoch 1
  const result = await train(model, x, y, {
    rng: new Rng(2),
    epochs: 10,
    optimizer: 'sgd',
    learningRate: 0,
    validation: { x, y },
    earlyStop: { patience: 2 },
  })
  assert.equal(result.history.length, 3)
  assert.equal(result.stoppedEarly, true)
  assert.equal(result.bestEpoch, 1)
  tf.dispose([x, y])
  model.dispose()
})

test('train() stops with the abort reason when the signal is aborted', async () => {
  const { x, y } = toTensors(data.train, 'flat')
  const model = mlp.build(mlp.params.parse({ inputSize: 100, hidden: [8] }))
  const controller = new AbortController()
  controller.abort(new Error('timed out'))
  await assert.rejects(
    train(model, x, y, { rng: new Rng(0), epochs: 1, signal: controller.signal }),
    /timed out/,
  )
  tf.dispose([x, y])
  model.dispose()
})
