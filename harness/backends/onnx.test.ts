import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { createOrtSession, ortExecutionProviders } from './onnx.ts'
import { exportToOnnx } from './onnx-export.ts'
import { initTfjs } from './tfjs.ts'

async function tinyModel(): Promise<Uint8Array> {
  await initTfjs({ prefer: 'cpu' })
  const m = tfl.sequential()
  m.add(tfl.layers.dense({ inputShape: [3], units: 2, activation: 'relu' }))
  return exportToOnnx(m)
}

describe('createOrtSession()', () => {
  test('returns the intra- and inter-op thread counts it was created with', async () => {
    const s = await createOrtSession(await tinyModel(), { threads: 2, interOpThreads: 1 })
    assert.equal(s.threads, 2)
    assert.equal(s.interOpThreads, 1)
    assert.equal(s.executionProvider, 'cpu')
    assert.match(s.version, /^\d+\.\d+/)
    const out = await s.session.run({ input: new ort.Tensor('float32', [1, 2, 3], [1, 3]) })
    assert.deepEqual(out['output']?.dims, [1, 2])
    await s.session.release()
  })

  test('rejects a thread count below 1', async () => {
    await assert.rejects(createOrtSession(await tinyModel(), { threads: 0 }), RangeError)
  })

  test('device "gpu" uses CUDA or throws a one-line error, never runs on CPU', async () => {
    const model = await tinyModel()
    try {
      const s = await createOrtSession(model, { threads: 1, device: 'gpu' })
      assert.ok(ortExecutionProviders().includes('cuda'))
      assert.equal(s.executionProvider, 'cuda')
      await s.session.release()
    } catch (e) {
      assert.match((e as Error).message, /^Cannot use device "gpu": /)
      assert.ok(!(e as Error).message.includes('\n'))
    }
  })
})
