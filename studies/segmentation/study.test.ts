import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from '../../datasets/fake-context.ts'
import {
  generateMnistSegmentation,
  MnistSegmentationParams,
} from '../../datasets/mnist-segmentation.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { Rng } from '../../harness/run/rng.ts'
import { TrialSkipped } from '../../harness/types.ts'
import { logLogSlope, measureHeadCost } from './cost.ts'
import { noHead } from './head.ts'
import { ParamStore } from './layers.ts'
import { confusion, meanIou, pixelAccuracy } from './metrics.ts'
import { backboneMacs, backboneParams, buildSegmentationNet } from './network.ts'
import { OnnxHeadGraph } from './onnx-head.ts'
import { probeOrtPeakMemory } from './ort-memory.ts'
import { runSegmentationTrial, SegmentationStudyParams } from './trial.ts'

test('meanIou() and pixelAccuracy() on a hand-made confusion', () => {
  // truth 0 0 1 1 2, predicted 0 1 1 1 0: IoU_0 = 1/3, IoU_1 = 2/3, IoU_2 = 0
  const c = confusion(Int32Array.from([0, 0, 1, 1, 2]), Int32Array.from([0, 1, 1, 1, 0]), 4)
  assert.ok(Math.abs(meanIou(c, 4) - (1 / 3 + 2 / 3 + 0) / 3) < 1e-12)
  assert.equal(pixelAccuracy(c, 4), 3 / 5)
})

test('logLogSlope() recovers the exponent of a power law', () => {
  const xs = [256, 1024, 4096, 16384]
  assert.ok(
    Math.abs(
      logLogSlope(
        xs,
        xs.map((x) => 3 * x),
      ) - 1,
    ) < 1e-12,
  )
  assert.ok(
    Math.abs(
      logLogSlope(
        xs,
        xs.map((x) => 0.5 * x * x),
      ) - 2,
    ) < 1e-12,
  )
})

test('the network has backboneParams() scalars with no head, and backboneMacs() by hand', async () => {
  await initTfjs({ prefer: 'wasm' })
  const widths = { channels: 8, inner: 4, nodes: 2 }
  const store = new ParamStore(new Rng(0))
  buildSegmentationNet(store, noHead, widths, 11)
  assert.equal(store.count(), backboneParams(widths, 11))
  // 64² input, C = 8: 32²·9·4 + 16²·9·4·8 + 3·16²·9·8·8 + 16²·8·11
  assert.equal(backboneMacs(widths, 64, 11), 36864 + 73728 + 442368 + 22528)
  store.dispose()
})

test('a segment trial is deterministic per seed; a cost trial skips the hard variant', async () => {
  const data = (variant: 'mixed' | 'hard') =>
    generateMnistSegmentation(MnistSegmentationParams.parse({ train: 8, test: 4, variant }))
  const params = SegmentationStudyParams.parse({ width: 8, inner: 4, epochs: 1, batchSize: 4 })
  const run = () =>
    runSegmentationTrial(fakeContext(3), noHead, params, 1, {
      params,
      dataset: { name: 'mnist-segmentation', data: data('mixed') },
    })
  const a = await run()
  const b = await run()
  assert.equal(a['miou']?.value, b['miou']?.value)
  assert.equal(a['final_loss']?.value, b['final_loss']?.value)
  assert.ok((a['pixel_acc']?.value ?? -1) >= 0)
  const cost = SegmentationStudyParams.parse({ task: 'cost', width: 8, inner: 4, side: 8 })
  await assert.rejects(
    runSegmentationTrial(fakeContext(3), noHead, cost, 1, {
      params: cost,
      dataset: { name: 'mnist-segmentation', data: data('hard') },
    }),
    TrialSkipped,
  )
})

test('measureHeadCost() returns ordered samples and the head analytic MACs', async () => {
  await initTfjs({ prefer: 'wasm' })
  let t = 0
  const cost = await measureHeadCost(noHead, { channels: 4, inner: 2, nodes: 1 }, 8, new Rng(0), {
    timeMs: 5,
    now: () => t++,
  })
  assert.ok(cost.samples.length >= 3)
  assert.equal(cost.macs, 0)
  assert.equal(cost.params, 0)
})

test('an onnxruntime cost trial times the exported head and reads its memory; training refuses it', async () => {
  const data = generateMnistSegmentation(MnistSegmentationParams.parse({ train: 4, test: 2 }))
  const input = (params: SegmentationStudyParams) => ({
    params,
    dataset: { name: 'mnist-segmentation', data },
  })
  const cost = SegmentationStudyParams.parse({
    task: 'cost',
    width: 8,
    inner: 4,
    side: 8,
    timeMs: 5,
    backend: 'onnxruntime',
  })
  const m = await runSegmentationTrial(fakeContext(3), noHead, cost, 1, input(cost))
  const samples = m['head_ms']?.samples ?? []
  assert.ok(samples.length >= 5)
  const ms = m['head_ms']?.value ?? Number.NaN
  assert.ok(Math.min(...samples) <= ms && ms <= Math.max(...samples))
  assert.equal(m['head_gmacs']?.value, 0)
  assert.ok((m['head_rss_mib']?.value ?? -1) >= 0)
  assert.equal(m['head_peak_mib'], undefined, 'tfjs tensor memory is not an onnxruntime reading')
  const train = SegmentationStudyParams.parse({ width: 8, inner: 4, backend: 'onnxruntime' })
  await assert.rejects(
    runSegmentationTrial(fakeContext(3), noHead, train, 1, input(train)),
    /trains on tfjs-wasm only/,
  )
})

test('probeOrtPeakMemory() sees a 32 MiB intermediate and not in a graph without one', () => {
  const graph = (wide: boolean) => {
    const g = new OnnxHeadGraph({ batch: 1, h: 64, w: 64, channels: 1 })
    const col = g.reshape('x', [4096, 1])
    // wide: [4096, 1] · [1, 2048] = a 32 MiB float32 matrix, summed back to [4096, 1]
    const n = wide ? 2048 : 1
    const outer = g.op('MatMul', [col, g.constant(new Float32Array(n).fill(0.5), [1, n])])
    const sum = g.op('ReduceSum', [outer, g.ints([1])], { keepdims: 1 })
    return g.model(g.reshape(sum, [1, 64, 64, 1]))
  }
  const input = new Float32Array(4096).fill(1)
  const wide = probeOrtPeakMemory(graph(true), input, [1, 64, 64, 1], 1)
  const narrow = probeOrtPeakMemory(graph(false), input, [1, 64, 64, 1], 1)
  if (wide === undefined || narrow === undefined) return // not Linux: nothing to measure
  const mib = (b: number) => b / 2 ** 20
  // 32 MiB less what pages resident before the call are freed during it (tens of KiB)
  assert.ok(mib(wide) >= 31.5 && mib(wide) < 40, `wide graph: ${mib(wide)} MiB`)
  assert.ok(mib(narrow) < 2, `narrow graph: ${mib(narrow)} MiB`)
})
