import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { lossFunction } from '../../models/train.ts'
import { Replica, type ReplicaSpec, type TrainingArrays } from './replica.ts'
import { DataParallel, trainDataParallel } from './trainer.ts'

// A tiny mlp (16 -> 8 -> 3) on 48 random 4x4 "images": a worker starts in about a second.
const SPEC: ReplicaSpec = {
  model: 'mlp',
  height: 4,
  width: 4,
  channels: 1,
  numClasses: 3,
  hidden: [8],
  initSeed: 7,
  optimizer: 'adam',
  learningRate: 0.01,
}
const N = 48
const rng = new Rng(1)
const DATA: TrainingArrays = {
  x: Float32Array.from({ length: N * 16 }, () => rng.next()),
  xShape: [N, 16],
  y: Int32Array.from({ length: N }, () => rng.int(3)),
}

before(async () => {
  await initTfjs({ prefer: 'wasm' })
})

test('the 2-replica averaged gradient equals the full-batch gradient of one replica', async () => {
  const dp = await DataParallel.start(SPEC, DATA, { replicas: 2, backend: 'wasm' })
  const single = new Replica(SPEC, DATA)
  try {
    // An odd batch: shards of 6 and 7 rows, weighted 6/13 and 7/13.
    const batch = [3, 17, 40, 8, 22, 1, 9, 30, 44, 12, 5, 27, 36]
    const avg = await dp.gradient(batch)
    const full = single.gradient(Int32Array.from(batch))
    assert.equal(avg.grads.length, full.grads.length)
    let maxDiff = 0
    let maxAbs = 0
    for (let i = 0; i < full.grads.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((avg.grads[i] as number) - (full.grads[i] as number)))
      maxAbs = Math.max(maxAbs, Math.abs(full.grads[i] as number))
    }
    assert.ok(maxAbs > 1e-3, 'the gradient is not trivially zero')
    assert.ok(maxDiff <= 1e-5 * Math.max(1, maxAbs), `max |avg - full| = ${maxDiff}`)
    assert.ok(Math.abs(avg.loss - full.loss) < 1e-5, `loss ${avg.loss} vs ${full.loss}`)
    assert.equal(avg.correct, full.correct)
    assert.equal(avg.count, 13)
  } finally {
    await dp.close()
    dp.local.dispose()
    single.dispose()
  }
})

test('a replica gradient (layer by layer) equals the gradient through model.apply, bit for bit', async () => {
  for (const spec of [SPEC, { ...SPEC, model: 'lenet5' as const, height: 8, width: 8 }]) {
    const side = spec.height * spec.width
    const data: TrainingArrays = {
      x: Float32Array.from({ length: 4 * side }, (_, i) => ((i * 37) % 11) / 11),
      xShape: spec.model === 'mlp' ? [4, side] : [4, spec.height, spec.width, 1],
      y: Int32Array.from([0, 2, 1, 2]),
    }
    const replica = new Replica(spec, data)
    try {
      const ours = replica.gradient(Int32Array.from([0, 1, 2, 3]))
      const x = tf.tensor(data.x, data.xShape)
      const y = tf.tensor1d(data.y, 'int32')
      const { grads } = tf.variableGrads(
        () => lossFunction()(y, replica.model.apply(x, { training: true }) as tf.Tensor),
        replica.variables,
      )
      const reference = new Float32Array(replica.size)
      let at = 0
      for (const v of replica.variables) {
        reference.set((grads[v.name] as tf.Tensor).dataSync() as Float32Array, at)
        at += v.size
      }
      tf.dispose([x, y, ...Object.values(grads)])
      assert.deepEqual(ours.grads, reference, spec.model)
    } finally {
      replica.dispose()
    }
  }
})

/**
 * The step of the message-passing trainer this one replaced, on one thread: shard gradients in
 * replica order, averaged into a zeroed array weighted by shard size, applied by one replica.
 */
function referenceStep(replica: Replica, batch: number[], k: number): void {
  const n = batch.length
  const avg = new Float32Array(replica.size)
  for (let r = 0; r < k; r++) {
    const rows = batch.slice(Math.floor((r * n) / k), Math.floor(((r + 1) * n) / k))
    if (rows.length === 0) continue
    const g = replica.gradient(Int32Array.from(rows)).grads
    const w = rows.length / n
    for (let i = 0; i < avg.length; i++) avg[i] = (avg[i] as number) + w * (g[i] as number)
  }
  replica.apply(avg)
}

test('the shared-memory step gives the weights of the message-passing step, bit for bit', async () => {
  const spec = { ...SPEC, model: 'lenet5' as const, height: 8, width: 8 }
  const data: TrainingArrays = {
    x: Float32Array.from({ length: N * 64 }, (_, i) => ((i * 37) % 11) / 11),
    xShape: [N, 8, 8, 1],
    y: DATA.y,
  }
  // Odd shards (13 rows over 3), a batch longer than the shared index buffer (300 rows), and
  // weights() between steps (the workers leave their step loop and come back).
  const first = [
    [3, 17, 40, 8, 22, 1, 9, 30, 44, 12, 5, 27, 36],
    [2, 4, 6, 8, 10, 12, 14],
  ]
  const then = [Array.from({ length: 300 }, (_, i) => (i * 7) % N), [47, 46, 45, 44]]
  const dp = await DataParallel.start(spec, data, { replicas: 3, backend: 'wasm' })
  const reference = new Replica(spec, data)
  try {
    for (const b of first) {
      await dp.step(b)
      referenceStep(reference, b, 3)
    }
    const mid = await dp.weights()
    for (const b of then) {
      await dp.step(b)
      referenceStep(reference, b, 3)
    }
    const end = await dp.weights()
    assert.notDeepEqual(end[0], mid[0], 'the later steps changed the weights')
    for (const w of end) assert.deepEqual(w, reference.weights())
    for (const w of mid) assert.deepEqual(w, mid[0])
  } finally {
    await dp.close()
    dp.local.dispose()
    reference.dispose()
  }
})

async function trainedWeights(): Promise<Float32Array[]> {
  // Warm-up gradients are discarded: they change nothing.
  const dp = await DataParallel.start(SPEC, DATA, { replicas: 2, backend: 'wasm', warmup: 3 })
  try {
    await trainDataParallel(dp, N, { rng: new Rng(3), epochs: 2, batchSize: 16 })
    return await dp.weights()
  } finally {
    await dp.close()
    dp.local.dispose()
  }
}

test('same seed, same weights bit for bit: across two runs and across the replicas', async () => {
  const [a0, a1] = await trainedWeights()
  const [b0] = await trainedWeights()
  assert.ok(a0 && a1 && b0)
  const initial = new Replica(SPEC, DATA)
  const w0 = initial.weights()
  initial.dispose()
  assert.notDeepEqual(a0, w0, 'six steps changed the weights')
  assert.deepEqual(a1, a0, 'the worker replica holds the same weights as replica 0')
  assert.deepEqual(b0, a0, 'a second run gives the same weights')
})

test('a worker that fails surfaces as a one-line error, and later steps refuse at once', async () => {
  const dp = await DataParallel.start(SPEC, DATA, { replicas: 2, backend: 'wasm' })
  try {
    // Row 99 lies in the worker's half of the batch only: replica 0's half is fine.
    const oneLine = (e: Error) => {
      assert.match(e.message, /^Cannot train data-parallel: worker 1 failed \(.*row 99.*\)$/)
      assert.ok(!e.message.includes('\n'), e.message)
      return true
    }
    await assert.rejects(dp.step([0, 1, 2, 99]), oneLine)
    await assert.rejects(dp.step([0, 1, 2, 3]), oneLine)
  } finally {
    await dp.close()
    dp.local.dispose()
  }
})

test('a failure on the calling thread: no replica applies that step, and the next step trains', async () => {
  const dp = await DataParallel.start(SPEC, DATA, { replicas: 2, backend: 'wasm' })
  const reference = new Replica(SPEC, DATA)
  try {
    // Row 99 lies in replica 0's half: it throws while the worker computes its half.
    await assert.rejects(dp.step([99, 0, 1, 2]), /^RangeError: Cannot compute a gradient: row 99/)
    await dp.step([4, 5, 6, 7, 8])
    referenceStep(reference, [4, 5, 6, 7, 8], 2)
    const [w0, w1] = await dp.weights()
    assert.deepEqual(w0, reference.weights())
    assert.deepEqual(w1, reference.weights())
  } finally {
    await dp.close()
    dp.local.dispose()
    reference.dispose()
  }
})

test('an abort while the workers start rejects with its reason (the workers are terminated)', async () => {
  const controller = new AbortController()
  const started = DataParallel.start(SPEC, DATA, {
    replicas: 3,
    backend: 'wasm',
    signal: controller.signal,
  })
  const reason = new Error('stop')
  setTimeout(() => controller.abort(reason), 20)
  await assert.rejects(started, (e) => e === reason)
})
