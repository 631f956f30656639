/**
 * Training throughput of an MLP 784-300-100-10 and LeNet-5 (batch 64, Adam) on a tfjs backend.
 * Not a test: run `npx tsx harness/backends/bench-training.ts [wasm|cpu|node] [--profile]
 * [--only=mlp|lenet5]`. Prints wall-clock samples/s and samples per CPU-second of this process.
 */
import type * as tfl from '@tensorflow/tfjs-layers'
import { referenceLenet5, referenceMlp } from '../testing/tfjs-models.ts'
import { timeKernels } from './kernel-timer.ts'
import { initTfjs, type TfjsPreference } from './tfjs.ts'

const prefer = (process.argv[2] ?? 'wasm') as TfjsPreference
const profile = process.argv.includes('--profile')
const rt = await initTfjs({ prefer })
const { tf } = rt
console.log(`backend ${rt.backend} ${rt.version} threads ${rt.threads}`)

async function bench(name: string, model: tfl.Sequential, inShape: number[], steps: number) {
  const batch = 64
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' })
  const x = tf.randomUniform([batch, ...inShape], 0, 1, 'float32', 1)
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10)
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y)
  if (profile) {
    // Per-kernel wall time of the outermost kernel calls.
    const timer = timeKernels(tf, tf.getBackend())
    const n = 10
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await model.trainOnBatch(x, y)
    const total = (performance.now() - t0) / n
    timer.restore()
    const spent = timer.spent
    const rows = [...spent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14)
    const inKernels = [...spent.values()].reduce((a, b) => a + b, 0) / n
    console.log(
      `${name} step ${total.toFixed(1)} ms, in kernels ${inKernels.toFixed(1)} ms:`,
      rows.map(([k, v]) => `${k}=${(v / n).toFixed(2)}`).join(' '),
    )
  }
  // Wall-clock rate, and the rate per CPU-second of this process (robust to other load on the
  // machine; the wasm backend runs on one thread, so the two agree on an idle machine).
  const wall: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y)
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    wall.push((steps * batch * 1000) / ms)
    cpu.push((steps * batch * 1e6) / (c.user + c.system))
  }
  const fmt = (xs: number[]) => xs.map((r) => r.toFixed(0)).join(', ')
  console.log(`${name}: wall ${fmt(wall)} samples/s; per CPU-second ${fmt(cpu)}`)
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
if (only !== 'lenet5') await bench('mlp', referenceMlp(), [784], 30)
if (only !== 'mlp') await bench('lenet5', referenceLenet5(), [28, 28, 1], 15)
console.log('tensors alive', tf.memory().numTensors)
