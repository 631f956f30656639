import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { ParamStore } from '../../studies/segmentation/layers.ts'
import { onnxExportDeviations } from '../../studies/segmentation/onnx-check.ts'
import { buildSe, seHead, seMacs, seParams } from './block.ts'

test('SE costs 2·HW·C + 2·C·C′ MACs and builds seParams() scalars', async () => {
  assert.equal(
    seMacs({ channels: 512, inner: 256, nodes: 1 }, 32, 32),
    2 * 1024 * 512 + 2 * 512 * 256,
  )
  await initTfjs({ prefer: 'wasm' })
  const widths = { channels: 8, inner: 4, nodes: 1 }
  const store = new ParamStore(new Rng(1))
  const block = buildSe(store, widths)
  assert.equal(store.count(), seParams(widths))
  const x = tf.abs(tf.randomNormal([2, 3, 5, 8], 0, 1, 'float32', 1) as tf.Tensor4D)
  const y = block.apply(x, false)
  assert.deepEqual(y.shape, [2, 3, 5, 8])
  // a sigmoid gate in (0, 1): |y| <= |x| everywhere
  assert.ok(tf.all(tf.lessEqual(y, x)).dataSync()[0] === 1)
  store.dispose()
})

test('the ONNX export of SE gives the tfjs output on onnxruntime-node (odd sizes, batch 2)', async () => {
  await initTfjs({ prefer: 'wasm' })
  for (const { label, maxAbsError, maxAbs } of await onnxExportDeviations(seHead)) {
    assert.ok(maxAbs > 0.1, `${label}: the output is not trivially small`)
    assert.ok(
      maxAbsError <= 1e-4 * Math.max(1, maxAbs),
      `${label}: |tfjs − ort| = ${maxAbsError} (scale ${maxAbs})`,
    )
  }
})
