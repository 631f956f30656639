import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from '../../studies/segmentation/layers.ts'
import { onnxExportDeviations } from '../../studies/segmentation/onnx-check.ts'
import { buildGlore, gloreHead, gloreMacs, gloreParams, gloreSizes } from './block.ts'
import { srMacsForComparison } from './compare-fixture.ts'

test('gloreMacs() matches the brief table (C = 512, N = 64, S = 128): 0.19 / 0.74 / 1.70 / 2.95 GMAC', () => {
  const w = { channels: 512, inner: 256, nodes: 1 }
  assert.deepEqual(gloreSizes(256), { states: 128, nodes: 64 })
  const g = (s: number) => gloreMacs(w, s, s) / 1e9
  assert.equal(g(32).toFixed(2), '0.19')
  assert.equal(g(64).toFixed(2), '0.74')
  assert.equal(g(97).toFixed(2), '1.70')
  assert.equal(g(128).toFixed(2), '2.95')
  // the brief's point: at these widths GloRe needs fewer MACs than SR
  assert.ok(g(128) < srMacsForComparison(512, 256, 128) / 1e9)
})

test('GloRe builds gloreParams() scalars, keeps the shape and trains every variable', async () => {
  await initTfjs({ prefer: 'wasm' })
  const widths = { channels: 16, inner: 8, nodes: 1 }
  const store = new ParamStore(new Rng(1))
  const block = buildGlore(store, widths)
  assert.equal(store.count(), gloreParams(widths))
  const x = tf.randomNormal([2, 3, 5, 16], 0, 1, 'float32', 1) as tf.Tensor4D
  assert.deepEqual(block.apply(x, false).shape, [2, 3, 5, 16])
  const { grads } = tf.variableGrads(
    () => tf.mean(tf.square(block.apply(x, true))) as tf.Scalar,
    store.variables,
  )
  for (const v of store.variables)
    assert.ok(tf.max(tf.abs(grads[v.name] as tf.Tensor)).dataSync()[0]! > 0, `${v.shape}`)
  store.dispose()
})

test('the ONNX export of GloRe gives the tfjs output on onnxruntime-node (odd sizes, batch 2)', async () => {
  await initTfjs({ prefer: 'wasm' })
  for (const { label, maxAbsError, maxAbs } of await onnxExportDeviations(gloreHead)) {
    assert.ok(maxAbs > 0.1, `${label}: the output is not trivially small`)
    assert.ok(
      maxAbsError <= 1e-4 * Math.max(1, maxAbs),
      `${label}: |tfjs − ort| = ${maxAbsError} (scale ${maxAbs})`,
    )
  }
})
