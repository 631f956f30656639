import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from '../../studies/segmentation/layers.ts'
import { onnxExportDeviations } from '../../studies/segmentation/onnx-check.ts'
import { buildNonLocal, nonLocalHead, nonLocalMacs, nonLocalParams } from './block.ts'

test('nonLocalMacs() matches the brief table (C = 512, C′ = 256): 1.07 / 10.7 / 50.3 / 146 GMAC', () => {
  const w = { channels: 512, inner: 256, nodes: 1 }
  const g = (s: number) => nonLocalMacs(w, s, s) / 1e9
  assert.equal(g(32).toFixed(2), '1.07')
  assert.equal(g(64).toFixed(1), '10.7')
  assert.equal(g(97).toFixed(1), '50.3')
  assert.equal(g(128).toFixed(0), '146')
})

test('non-local builds nonLocalParams() scalars and starts as the identity (BN γ = 0)', async () => {
  await initTfjs({ prefer: 'wasm' })
  const widths = { channels: 8, inner: 4, nodes: 1 }
  const store = new ParamStore(new Rng(1))
  const block = buildNonLocal(store, widths)
  assert.equal(store.count(), nonLocalParams(widths))
  const x = tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 1) as tf.Tensor4D
  const y = block.apply(x, false)
  assert.deepEqual(y.shape, [2, 3, 5, 8])
  assert.ok(tf.max(tf.abs(tf.sub(y, x))).dataSync()[0]! < 1e-6)
  store.dispose()
})

test('the ONNX export of non-local gives the tfjs output on onnxruntime-node (odd sizes, batch 2)', async () => {
  await initTfjs({ prefer: 'wasm' })
  for (const { label, maxAbsError, maxAbs } of await onnxExportDeviations(nonLocalHead)) {
    assert.ok(maxAbs > 0.1, `${label}: the output is not trivially small`)
    assert.ok(
      maxAbsError <= 1e-4 * Math.max(1, maxAbs),
      `${label}: |tfjs − ort| = ${maxAbsError} (scale ${maxAbs})`,
    )
  }
})
