/**
 * Where one LeNet-5 training step spends its time on tfjs wasm: process CPU time (robust to other
 * load, this being one thread) of a replica's gradient and update at batch 64 and 32, split by
 * the outermost kernel calls, plus the tfjs-core Adam of models/train.ts for comparison. Not a
 * test: run `npx tsx studies/data-parallel/profile-step.ts [steps]`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { loadMnist, MnistParams } from '../../datasets/mnist.ts'
import { timeKernels } from '../../harness/backends/kernel-timer.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Replica } from './replica.ts'

const steps = Number(process.argv[2] ?? 20)
await initTfjs({ prefer: 'wasm' })
const n = 256
const data = loadMnist(MnistParams.parse({ train: n, calibration: 0, test: 16 }))
const replica = new Replica(
  {
    model: 'lenet5',
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    initSeed: 1,
    optimizer: 'adam',
    learningRate: 0.001,
  },
  { x: data.train.images, xShape: [n, 28, 28, 1], y: data.train.labels },
)
const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

// CPU time of the outermost wasm kernel calls.
const { spent } = timeKernels(tf, 'wasm', cpuMs)

const adam = tf.train.adam(0.001)
for (const batch of [64, 32]) {
  const rows = Int32Array.from({ length: batch }, (_, i) => i)
  for (let i = 0; i < 3; i++) replica.apply(replica.gradient(rows).grads)
  spent.clear()
  let grad = 0
  let apply = 0
  let tfAdam = 0
  let applyKernels = 0
  for (let i = 0; i < steps; i++) {
    const t0 = cpuMs()
    const g = replica.gradient(rows)
    const t1 = cpuMs()
    replica.apply(g.grads)
    const t2 = cpuMs()
    grad += t1 - t0
    apply += t2 - t1
    // The tfjs-core Adam (what models/train.ts runs) on the same gradient, for comparison.
    const before = [...spent.values()].reduce((a, b) => a + b, 0)
    let at = 0
    const named = replica.variables.map((v) => {
      const tensor = tf.tensor(g.grads.subarray(at, at + v.size), v.shape)
      at += v.size
      return { name: v.name, tensor }
    })
    const t3 = cpuMs()
    adam.applyGradients(named)
    tfAdam += cpuMs() - t3
    applyKernels += [...spent.values()].reduce((a, b) => a + b, 0) - before
    tf.dispose(named.map((t) => t.tensor))
  }
  const inKernels = [...spent.values()].reduce((a, b) => a + b, 0) - applyKernels
  const top = [...spent.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, v]) => `${k} ${(v / steps).toFixed(2)}`)
  console.log(
    `batch ${batch}: gradient ${(grad / steps).toFixed(1)} ms CPU (in wasm kernels ${(inKernels / steps).toFixed(1)}, the rest tfjs/JS), flat Adam ${(apply / steps).toFixed(2)} ms, tfjs-core Adam ${(tfAdam / steps).toFixed(2)} ms`,
  )
  console.log(`  kernels (ms per step, Adam's included): ${top.join(', ')}`)
}
adam.dispose()
replica.dispose()
