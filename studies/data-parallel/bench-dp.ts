/**
 * A/B of LeNet-5 (or the mlp) training throughput on MNIST, tfjs wasm, Adam, batch 64, in one
 * process: the single-thread loop of models/train.ts against data-parallel training with 1 and
 * 2 replicas, alternating rounds so that load from other processes hits every arm alike. Not a
 * test: run `npx tsx studies/data-parallel/bench-dp.ts [lenet5|mlp] [rounds] [steps]`.
 */
import { loadavg } from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
import { toTensors } from '../../datasets/image-data.ts'
import { loadMnist, MnistParams } from '../../datasets/mnist.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { train } from '../../models/train.ts'
import { buildClassifier } from '../../models/trained-classifier.ts'
import { DataParallel, trainDataParallel } from './trainer.ts'

const model = (process.argv[2] ?? 'lenet5') as 'lenet5' | 'mlp'
const rounds = Number(process.argv[3] ?? 3)
const steps = Number(process.argv[4] ?? 30)
const batchSize = 64
const n = steps * batchSize

await initTfjs({ prefer: 'wasm' })
const data = loadMnist(MnistParams.parse({ train: n, calibration: 0, test: 16 }))
const layout = model === 'mlp' ? 'flat' : 'nhwc'
const { x, y } = toTensors(data.train, layout)
const spec = {
  model,
  height: data.height,
  width: data.width,
  channels: data.channels,
  numClasses: data.numClasses,
  initSeed: 1,
  optimizer: 'adam' as const,
  learningRate: 0.001,
}

async function single(): Promise<number> {
  const { model: m } = buildClassifier(model, data, new Rng(1))
  const r = await train(m, x, y, { rng: new Rng(2), epochs: 1, batchSize, optimizer: 'adam' })
  m.dispose()
  return r.samplesPerSecond
}

const pools = new Map<number, DataParallel>()
for (const k of [1, 2])
  pools.set(
    k,
    await DataParallel.start(
      spec,
      { x: data.train.images, xShape: x.shape, y: data.train.labels },
      { replicas: k, backend: 'wasm', warmup: 64 },
    ),
  )

async function parallel(k: number): Promise<number> {
  const dp = pools.get(k) as DataParallel
  const r = await trainDataParallel(dp, n, { rng: new Rng(2), epochs: 1, batchSize })
  return r.samplesPerSecond
}

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
// One warm-up round of each, then timed rounds in alternating order.
await single()
await parallel(1)
await parallel(2)
const rates: Record<string, number[]> = { single: [], dp1: [], dp2: [] }
/** Process CPU seconds per 1,000 samples (all threads): the work, whatever the scheduler gives. */
const cpuPerK: Record<string, number[]> = { single: [], dp1: [], dp2: [] }
for (let r = 0; r < rounds; r++) {
  const arms: [string, () => Promise<number>][] = [
    ['single', single],
    ['dp1', () => parallel(1)],
    ['dp2', () => parallel(2)],
  ]
  if (r % 2 === 1) arms.reverse()
  for (const [name, run] of arms) {
    const c0 = process.cpuUsage()
    const rate = await run()
    const c = process.cpuUsage(c0)
    rates[name]?.push(rate)
    cpuPerK[name]?.push(((c.user + c.system) / 1e6 / n) * 1000)
    const cpuS = (c.user + c.system) / 1e6
    // Cores this process got while the arm ran: CPU seconds over wall seconds.
    const cores = cpuS / (n / rate)
    console.log(
      `round ${r} ${name}: ${rate.toFixed(0)} samples/s (process CPU ${cpuS.toFixed(2)} s, ${cores.toFixed(2)} cores)`,
    )
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const s = median(rates['single'] ?? [])
const d1 = median(rates['dp1'] ?? [])
const d2 = median(rates['dp2'] ?? [])
console.log(
  `${model} median samples/s: single ${s.toFixed(0)}, dp 1 replica ${d1.toFixed(0)}, dp 2 replicas ${d2.toFixed(0)}; 2 replicas / single ${(d2 / s).toFixed(2)}x, / dp1 ${(d2 / d1).toFixed(2)}x`,
)
// With autogroup scheduling (Linux's default on many machines) a process gets one share of the
// CPUs whatever its thread count, so on a loaded machine a second thread splits the same share.
// The CPU per sample bounds what 2 replicas can reach with two free cores.
const cs = median(cpuPerK['single'] ?? [])
const c2 = median(cpuPerK['dp2'] ?? [])
console.log(
  `CPU s per 1,000 samples: single ${cs.toFixed(3)}, dp 2 replicas ${c2.toFixed(3)} (${(c2 / cs).toFixed(2)}x the work); bound with two free cores: ${((2 * cs) / c2).toFixed(2)}x`,
)
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
for (const dp of pools.values()) {
  await dp.close()
  dp.local.dispose()
}
tf.dispose([x, y])
