/**
 * exportToOnnx() against tfjs itself: the same random weights and inputs through tfjs-layers and
 * through onnxruntime-node must agree within 1e-4 (max abs error / max abs value).
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { Rng } from '../run/rng.ts'
import { referenceLenet5, referenceMlp } from '../testing/tfjs-models.ts'
import { createOrtSession } from './onnx.ts'
import { exportToOnnx } from './onnx-export.ts'
import { initTfjs } from './tfjs.ts'

type Tf = Awaited<ReturnType<typeof initTfjs>>['tf']
let tf: Tf

before(async () => {
  tf = (await initTfjs({ prefer: 'wasm' })).tf
})

/** Sets every weight from the seeded generator (BN variances positive), so runs are identical. */
function randomize(model: tfl.Sequential, seed: number): void {
  const rng = new Rng(seed)
  const weights = model.getWeights().map((w, i) => {
    const name = model.weights[i]?.originalName ?? ''
    const positive = name.includes('variance') || name.includes('gamma')
    const scale = name.includes('kernel')
      ? 1 / Math.sqrt(w.shape.slice(0, -1).reduce((a, b) => a * b, 1))
      : 0.5
    const values = Array.from({ length: w.size }, () =>
      positive ? 0.5 + rng.next() : rng.normal() * scale,
    )
    return tf.tensor(values, w.shape)
  })
  model.setWeights(weights)
}

/** Batch norm folded (after linear conv/dense) and as a node (after an activation or a pool). */
function withBatchNorm(): tfl.Sequential {
  const m = tfl.sequential()
  m.add(tfl.layers.conv2d({ inputShape: [11, 10, 3], filters: 4, kernelSize: 3, strides: 2 }))
  m.add(tfl.layers.batchNormalization())
  m.add(tfl.layers.activation({ activation: 'relu' }))
  m.add(tfl.layers.conv2d({ filters: 5, kernelSize: [2, 3], padding: 'same', activation: 'tanh' }))
  m.add(tfl.layers.batchNormalization({ epsilon: 0.01 }))
  m.add(tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }))
  m.add(tfl.layers.batchNormalization({ center: false }))
  m.add(tfl.layers.flatten())
  m.add(tfl.layers.dropout({ rate: 0.5 }))
  m.add(tfl.layers.dense({ units: 7 }))
  m.add(tfl.layers.batchNormalization({ scale: false }))
  m.add(tfl.layers.activation({ activation: 'sigmoid' }))
  m.add(tfl.layers.dense({ units: 4, activation: 'softmax' }))
  return m
}

async function compare(model: tfl.Sequential, inputShape: number[], seed: number): Promise<void> {
  randomize(model, seed)
  const rng = new Rng(seed + 1)
  const batch = 3
  const shape = [batch, ...inputShape]
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal())
  const expected = tf.tidy(() => (model.predict(tf.tensor(values, shape)) as Tensor).dataSync())
  const { session } = await createOrtSession(exportToOnnx(model), { threads: 1 })
  const result = await session.run({ input: new ort.Tensor('float32', values, shape) })
  const out = result['output']
  assert.ok(out, 'the ONNX graph has an "output"')
  assert.deepEqual(out.dims, [batch, ...(model.outputs[0]!.shape.slice(1) as number[])])
  const got = out.data as Float32Array
  let diff = 0
  let scale = 1e-6
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] as number) - (expected[i] as number)))
    scale = Math.max(scale, Math.abs(expected[i] as number))
  }
  assert.ok(diff / scale <= 1e-4, `relative error ${(diff / scale).toExponential(2)}`)
  await session.release()
}

type Tensor = import('@tensorflow/tfjs-core').Tensor

describe('exportToOnnx()', () => {
  test('an MLP 784-300-100-10 gives the same outputs in onnxruntime as in tfjs', async () => {
    await compare(referenceMlp(), [784], 1)
  })

  test('LeNet-5 (NHWC input, flatten order kept) gives the same outputs in onnxruntime', async () => {
    await compare(referenceLenet5(), [28, 28, 1], 2)
  })

  test('batch norm, folded or as a node, gives the same outputs in onnxruntime', async () => {
    await compare(withBatchNorm(), [11, 10, 3], 3)
  })

  test('an unsupported layer is refused with its class and the supported list', () => {
    const m = tfl.sequential()
    m.add(tfl.layers.dense({ inputShape: [4], units: 3 }))
    m.add(tfl.layers.leakyReLU())
    assert.throws(() => exportToOnnx(m), /class LeakyReLU \(supported: Dense, Conv2D/)
  })
})
