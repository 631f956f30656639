/**
 * One arm of the context-head study, shared by SR and its baselines. Two tasks:
 *
 *   segment  build the network with the head (seeded) -> train with Adam on per-pixel
 *            cross-entropy (seeded shuffles) -> predict the test canvases -> mIoU over 11
 *            classes, pixel accuracy, params and analytic MACs (head and whole network)
 *   cost     the head alone on a [1, side, side, C] feature map: latency, peak tensor memory,
 *            analytic MACs (the dataset is not read; measured on the `mixed` variant only, the
 *            `hard` one is skipped since the cost cannot depend on it)
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { SegmentationDataset, SegmentationSplit } from '../../datasets/mnist-segmentation.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { median } from '../../harness/stats/describe.ts'
import {
  type Metrics,
  metric,
  type SubjectInput,
  type TrialContext,
  TrialSkipped,
} from '../../harness/types.ts'
import { measureHeadCost, measureHeadCostOrt } from './cost.ts'
import type { HeadDef, HeadWidths } from './head.ts'
import { ParamStore } from './layers.ts'
import { confusion, meanIou, pixelAccuracy } from './metrics.ts'
import { backboneMacs, buildSegmentationNet } from './network.ts'

export const SegmentationStudyParams = z
  .object({
    /** @default 'segment' */
    task: z.enum(['segment', 'cost']).default('segment'),
    /** C, the backbone and head width. @default 32 */
    width: z.number().int().min(2).default(32),
    /** C′, the head's inner width. @default 16 */
    inner: z.number().int().min(1).default(16),
    /** @default 6 */
    epochs: z.number().int().nonnegative().default(6),
    /** @default 16 */
    batchSize: z.number().int().min(1).default(16),
    /** Adam. @default 0.002 */
    learningRate: z.number().positive().default(0.002),
    /** Feature-map side of the `cost` task (HW = side²). @default 32 */
    side: z.number().int().min(1).default(32),
    /** Sampling time of the `cost` task, ms. @default 300 */
    timeMs: z.number().positive().default(300),
    /**
     * Runtime of the `cost` task: tfjs (wasm) or onnxruntime-node on the head's exported ONNX
     * graph; training always runs on tfjs. @default 'tfjs-wasm'
     */
    backend: z.enum(['tfjs-wasm', 'onnxruntime']).default('tfjs-wasm'),
  })
  .strict()
export type SegmentationStudyParams = z.output<typeof SegmentationStudyParams>

function batchOf(split: SegmentationSplit, size: number, idx: number[]) {
  const area = size * size
  const images = new Float32Array(idx.length * area)
  const labels = new Int32Array(idx.length * area)
  idx.forEach((row, j) => {
    images.set(split.images.subarray(row * area, (row + 1) * area), j * area)
    labels.set(split.labels.subarray(row * area, (row + 1) * area), j * area)
  })
  return { images, labels }
}

/** Runs one trial of `head` (the subjects' shared body). */
export async function runSegmentationTrial(
  ctx: TrialContext,
  head: HeadDef,
  params: SegmentationStudyParams,
  nodes: number,
  input: SubjectInput<unknown, SegmentationDataset>,
): Promise<Metrics> {
  const data = input.dataset.data
  const runtime = await initTfjs({ prefer: 'wasm', threads: ctx.threads })
  ctx.annotate('backend', runtime.backend)
  ctx.annotate('tfjs', runtime.version)
  const widths: HeadWidths = { channels: params.width, inner: params.inner, nodes }
  if (params.task === 'cost') {
    if (data.variant !== 'mixed')
      throw new TrialSkipped('head cost does not depend on the data: measured on "mixed" only')
    if (params.backend === 'onnxruntime') {
      const cost = await measureHeadCostOrt(head, widths, params.side, ctx.rng.fork('cost'), {
        threads: ctx.threads,
        timeMs: params.timeMs,
      })
      ctx.annotate('backend', `onnxruntime-${cost.session.executionProvider}`)
      ctx.annotate('onnxruntime', cost.session.version)
      ctx.annotate('intraOpThreads', cost.session.threads)
      ctx.annotate('interOpThreads', cost.session.interOpThreads)
      return {
        head_ms: metric(median(cost.samples), 'ms', 'lower', cost.samples),
        ...(cost.peakRssBytes === undefined
          ? {}
          : { head_rss_mib: metric(cost.peakRssBytes / 2 ** 20, 'MiB', 'lower') }),
        head_gmacs: metric(cost.macs / 1e9, 'GMAC', 'lower'),
        head_params: metric(cost.params, 'params', 'lower'),
        onnx_kib: metric(cost.modelBytes / 1024, 'KiB', 'lower'),
      }
    }
    const cost = await measureHeadCost(head, widths, params.side, ctx.rng.fork('cost'), {
      timeMs: params.timeMs,
      now: () => ctx.now(),
      signal: ctx.signal,
    })
    return {
      head_ms: metric(median(cost.samples), 'ms', 'lower', cost.samples),
      head_peak_mib: metric(cost.peakBytes / 2 ** 20, 'MiB', 'lower'),
      head_gmacs: metric(cost.macs / 1e9, 'GMAC', 'lower'),
      head_params: metric(cost.params, 'params', 'lower'),
    }
  }
  if (params.backend !== 'tfjs-wasm')
    throw new RangeError(
      `Cannot train on backend "${params.backend}": the segment task trains on tfjs-wasm only`,
    )
  const S = data.size
  const K = data.numClasses
  const store = new ParamStore(ctx.rng.fork('init'))
  const net = buildSegmentationNet(store, head, widths, K)
  const optimizer = tf.train.adam(params.learningRate)
  const shuffle = ctx.rng.fork('shuffle')
  const order = Array.from({ length: data.train.n }, (_, i) => i)
  const t0 = ctx.now()
  const steps = params.epochs * Math.ceil(data.train.n / params.batchSize)
  let step = 0
  let lastLoss = Number.NaN
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      shuffle.shuffle(order)
      for (let b = 0; b < order.length; b += params.batchSize) {
        ctx.signal.throwIfAborted()
        const idx = order.slice(b, b + params.batchSize)
        const batch = batchOf(data.train, S, idx)
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(batch.images, [idx.length, S, S, 1])
          const y = tf.oneHot(tf.tensor3d(batch.labels, [idx.length, S, S], 'int32'), K)
          return optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)) as tf.Scalar,
            true,
            store.variables,
          ) as tf.Scalar
        })
        step++
        if (step % 20 === 0 || step === steps) lastLoss = (await loss.data())[0] as number
        loss.dispose()
        ctx.progress.update(step, steps, 'batches')
      }
    }
    const trainS = (ctx.now() - t0) / 1000
    const predicted = new Int32Array(data.test.n * S * S)
    const evalBatch = 32
    for (let b = 0; b < data.test.n; b += evalBatch) {
      const idx = Array.from({ length: Math.min(evalBatch, data.test.n - b) }, (_, i) => b + i)
      const batch = batchOf(data.test, S, idx)
      const p = tf.tidy(() =>
        tf.argMax(net.forward(tf.tensor4d(batch.images, [idx.length, S, S, 1]), false), -1),
      )
      predicted.set(await p.data(), b * S * S)
      p.dispose()
    }
    const counts = confusion(data.test.labels, predicted, K)
    const f = S / 4
    const headMacs = head.macs(widths, f, f)
    const headParams = head.params(widths)
    return {
      miou: metric(100 * meanIou(counts, K), '%', 'higher'),
      pixel_acc: metric(100 * pixelAccuracy(counts, K), '%', 'higher'),
      head_mmacs: metric(headMacs / 1e6, 'MMAC', 'lower'),
      net_mmacs: metric((headMacs + backboneMacs(widths, S, K)) / 1e6, 'MMAC', 'lower'),
      head_params: metric(headParams, 'params', 'lower'),
      net_params: metric(store.count(), 'params', 'lower'),
      final_loss: metric(lastLoss, 'nats', 'lower'),
      train_s: metric(trainS, 's', 'lower'),
    }
  } finally {
    optimizer.dispose()
    store.dispose()
  }
}
