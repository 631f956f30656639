import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { dequantizeCodes, quantizeInput, runIntNet, toIntNet } from './integer-net.ts'
import { floatModel, qlinearModel } from './onnx-qlinear.ts'
import { activationHook, ptq, quantizedTensors } from './ptq.ts'
import { logitsOf, netTensors } from './qnet.ts'
import { plainPtq, tinyInputs, tinyNet } from './test-net.ts'

const CONFIG = plainPtq({ wBits: 7 })

test('the integer kernel matches fake quantization to within one logit code', async () => {
  await initTfjs()
  const net = tinyNet()
  const x = tinyInputs(40)
  const q = ptq(net, x, CONFIG, new Rng(0))
  const t = quantizedTensors(q)
  const fake = logitsOf(q.net, t, x, activationHook(q.actParams))
  for (const p of t) tf.dispose([p.w, p.b])
  const inet = toIntNet(q)
  const ints = dequantizeCodes(runIntNet(inet, quantizeInput(inet, x), 40), inet.output)
  let off = 0
  for (let i = 0; i < fake.length; i++) {
    const d = Math.abs((fake[i] as number) - (ints[i] as number)) / inet.output.scale
    assert.ok(d <= 1 + 1e-3, `logit ${i} differs by ${d} codes`)
    if (d > 1e-3) off++
  }
  assert.ok(off <= fake.length * 0.05, `${off} of ${fake.length} logits differ`)
})

test('onnxruntime QLinearConv gives the same logit codes as the TypeScript integer kernel', async () => {
  await initTfjs()
  const net = tinyNet(3)
  const x = tinyInputs(30, 4)
  const inet = toIntNet(ptq(net, x, CONFIG, new Rng(0)))
  const codes = runIntNet(inet, quantizeInput(inet, x), 30)
  const s = await ort.InferenceSession.create(qlinearModel(inet, 3))
  const out = await s.run({ x: new ort.Tensor('float32', x, [30, 6, 6, 1]) })
  const ortCodes = out['yq']?.data as Uint8Array
  let equal = 0
  for (let i = 0; i < codes.length; i++) if (codes[i] === ortCodes[i]) equal++
  assert.ok(equal / codes.length >= 0.95, `${equal} of ${codes.length} equal`)
  await s.release()
})

test('the fp32 ONNX graph reproduces the tfjs forward pass (layouts and flatten order)', async () => {
  await initTfjs()
  const net = tinyNet(5)
  const x = tinyInputs(10, 6)
  const t = netTensors(net)
  const ref = logitsOf(net, t, x)
  for (const p of t) tf.dispose([p.w, p.b])
  const s = await ort.InferenceSession.create(floatModel(net, 3))
  const out = (await s.run({ x: new ort.Tensor('float32', x, [10, 6, 6, 1]) }))['y']
    ?.data as Float32Array
  for (let i = 0; i < ref.length; i++)
    assert.ok(Math.abs((ref[i] as number) - (out[i] as number)) < 1e-4)
  await s.release()
})
