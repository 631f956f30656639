import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type * as tf from '@tensorflow/tfjs-core'
import { fakeContext } from '../datasets/fake-context.ts'
import { toTensors } from '../datasets/image-data.ts'
import { loadMnist, MnistParams } from '../datasets/mnist.ts'
import { initTfjs } from '../harness/backends/tfjs.ts'
import { MemoryCache } from '../harness/run/environment.ts'
import { ArtifactStore } from '../harness/store/artifacts.ts'
import { ClassifierConfig, trainedClassifier } from './trained-classifier.ts'

test('trainedClassifier() gives bit-identical logits from a cache miss (trained) and a hit (read back)', async () => {
  await initTfjs()
  const data = loadMnist(MnistParams.parse({ train: 200, calibration: 0, test: 64 }))
  const dir = mkdtempSync(join(tmpdir(), 'eb-classifier-cache-'))
  const notes: string[] = []
  const logger = {
    info() {},
    warn: (m: string) => notes.push(m),
    debug: (m: string) => notes.push(m),
  }
  const fresh = () => ({
    ...fakeContext(5),
    cache: new MemoryCache({
      store: new ArtifactStore(dir, 1 << 30),
      codeVersion: 'test',
      envHash: 'test',
      logger,
    }),
  })
  const config = ClassifierConfig.parse({ model: 'mlp', hidden: [16], epochs: 1, batchSize: 32 })
  const te = toTensors(data.test, 'flat')
  try {
    const miss = await trainedClassifier(fresh(), config, data)
    assert.equal(notes.length, 0, 'the first call trains')
    const hit = await trainedClassifier(fresh(), config, data)
    assert.equal(notes.length, 1)
    assert.match(notes[0] as string, /^artifact cache: reused trained-classifier /)
    assert.notEqual(hit.model, miss.model)
    const logits = (m: typeof miss) => {
      const y = m.model.predict(te.x) as tf.Tensor
      const out = new Uint8Array((y.dataSync() as Float32Array).slice().buffer)
      y.dispose()
      return out
    }
    assert.deepEqual(logits(hit), logits(miss))
    assert.equal(hit.testAccuracy, miss.testAccuracy)
    assert.equal(hit.trainSeconds, miss.trainSeconds)
    assert.equal(hit.layout, 'flat')
  } finally {
    te.x.dispose()
    te.y.dispose()
  }
})
