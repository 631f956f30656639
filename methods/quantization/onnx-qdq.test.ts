import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { qdqModel } from './onnx-qdq.ts'
import { activationHook, ptq, quantizedTensors } from './ptq.ts'
import { logitsOf } from './qnet.ts'
import { quantizeValue } from './quantizer.ts'
import { plainPtq, tinyInputs, tinyNet } from './test-net.ts'

const BASE = plainPtq()

for (const c of [
  { wBits: 8, aBits: 8, symmetric: true, granularity: 'channel' as const },
  { wBits: 4, aBits: 4, symmetric: false, granularity: 'tensor' as const },
]) {
  test(`the unoptimised QDQ graph reproduces fake quantization (W${c.wBits}A${c.aBits}, ${c.granularity})`, async () => {
    await initTfjs()
    const net = tinyNet(7)
    // Calibrate on some inputs and run on others, so that activations also fall outside the range.
    const q = ptq(net, tinyInputs(20, 8), { ...BASE, ...c }, new Rng(0))
    const x = tinyInputs(50, 9)
    const t = quantizedTensors(q)
    const fake = logitsOf(q.net, t, x, activationHook(q.actParams))
    for (const p of t) tf.dispose([p.w, p.b])
    const outP = q.actParams.at(-1)
    assert.ok(outP)
    const s = await ort.InferenceSession.create(qdqModel(q, 3), {
      graphOptimizationLevel: 'disabled',
    })
    const out = await s.run({ x: new ort.Tensor('float32', x, [50, 6, 6, 1]) })
    await s.release()
    const codes = out['yq']?.data as Uint8Array
    const y = out['y']?.data as Float32Array
    let equal = 0
    for (let i = 0; i < fake.length; i++) {
      const f = quantizeValue(fake[i] as number, outP)
      assert.ok(Math.abs(f - (codes[i] as number)) <= 1, `logit ${i}: ${f} vs ${codes[i]}`)
      assert.ok(
        Math.abs((y[i] as number) - outP.scale * ((codes[i] as number) - outP.zeroPoint)) < 1e-5,
      )
      if (f === codes[i]) equal++
    }
    // Float accumulation order is the only difference: a code boundary is rarely crossed.
    assert.ok(equal / fake.length >= 0.97, `${equal} of ${fake.length} codes equal`)
  })
}
