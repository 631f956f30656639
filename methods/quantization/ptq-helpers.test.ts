import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { biasCorrection, equalizeLayers, foldBatchNorm } from './ptq-helpers.ts'
import { logitsOf, netTensors, type WeightedLayer, weightedLayers } from './qnet.ts'
import { tinyInputs, tinyNet } from './test-net.ts'

test('foldBatchNorm() matches the closed form γ(Wx + b − μ)/√(σ²+ε) + β', () => {
  const { w, b } = foldBatchNorm(Float32Array.from([1, 2, 3, 4]), Float32Array.from([0.5, -1]), {
    gamma: [2, 1],
    beta: [0, 1],
    mean: [0.5, 1],
    variance: [3, 0],
    epsilon: 1,
  })
  assert.deepEqual([...w], [1, 2, 3, 4])
  assert.deepEqual([...b], [0, -1])
})

test('cross-layer equalisation keeps the function and equalises per-channel ranges', async () => {
  await initTfjs()
  const net = tinyNet(9)
  const x = tinyInputs(5)
  const eq = equalizeLayers(net, 1)
  const a = netTensors(net)
  const e = netTensors(eq)
  const ya = logitsOf(net, a, x)
  const ye = logitsOf(eq, e, x)
  for (const p of [...a, ...e]) tf.dispose([p.w, p.b])
  for (let i = 0; i < ya.length; i++)
    assert.ok(Math.abs((ya[i] as number) - (ye[i] as number)) < 1e-4)
  // After one sweep the last pair (fc → out) has equal ranges per fc channel.
  const [, fc, out] = weightedLayers(eq) as [WeightedLayer, WeightedLayer, WeightedLayer]
  for (let c = 0; c < 8; c++) {
    let r1 = 0
    for (let i = c; i < fc.w.length; i += 8) r1 = Math.max(r1, Math.abs(fc.w[i] as number))
    let r2 = 0
    for (let o = 0; o < 3; o++) r2 = Math.max(r2, Math.abs(out.w[c * 3 + o] as number))
    assert.ok(Math.abs(r1 - r2) < 1e-5, `channel ${c}: ${r1} vs ${r2}`)
  }
})

test('bias correction adds (W − W̃)ᵀ E[x]', () => {
  const l = {
    kind: 'dense',
    name: 'd',
    w: Float32Array.from([1, 2, 3, 4]),
    b: Float32Array.from([0, 0]),
    fanIn: 2,
    units: 2,
    relu: false,
  } as const
  const corrected = biasCorrection(l, Float32Array.from([1, 1, 3, 3]), [2, 10])
  assert.deepEqual([...corrected], [0, 1 * 2 + 1 * 10])
})
