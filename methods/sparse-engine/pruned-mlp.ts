/**
 * `sparse-mlp`: the MNIST mlp magnitude-pruned per layer, fine-tuned with its masks kept, then run
 * through generated sparse kernels. The dense network is the shared trained classifier (cached, so
 * the `fp32` baseline of a suite sees the same one); this subject copies it, prunes the copy.
 *
 *   dense mlp (trainedClassifier) -> copy -> prune Dense kernels (masks) -> fine-tune, masks
 *   re-applied after every step -> top-1 (tfjs) -> per layer W = kernelᵀ (out x in) -> generated
 *   kernels with fused bias (+ReLU on hidden layers) -> logits for N images (input and output
 *   transposes inside the timing) -> checked against tfjs -> timed interleaved with
 *   onnxruntime dense on the same pruned network (zeros stored)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { z } from 'zod'
import type { ImageDataset } from '../../datasets/image-data.ts'
import { toTensors } from '../../datasets/image-data.ts'
import { annotateOrtSession, createOrtSession } from '../../harness/backends/onnx.ts'
import { exportToOnnx } from '../../harness/backends/onnx-export.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { maxRelativeError } from '../../harness/measure/error.ts'
import { Rng } from '../../harness/run/rng.ts'
import { metric, type SubjectDef, TrialSkipped } from '../../harness/types.ts'
import { maskDenseKernels } from '../../models/sparse/masked.ts'
import { evaluate, train } from '../../models/train.ts'
import {
  buildClassifier,
  ClassifierConfig,
  trainedClassifier,
} from '../../models/trained-classifier.ts'
import { nativeAvailable } from './codegen-c.ts'
import { interleavedMetrics, timeInterleaved } from './interleave.ts'
import { type KernelChoice, prepareLayer } from './layer.ts'
import { transposeMatrix } from './layout.ts'
import type { PreparedKernel } from './types.ts'

const Params = z.strictObject({
  ...ClassifierConfig.shape,
  hidden: z.array(z.number().int().positive()).default([300, 100]),
  /** Fraction of each Dense kernel pruned (below 0.5 the engine would run dense kernels). @default 0.9 */
  sparsity: z.number().min(0.5).max(0.999).default(0.9),
  /** Fine-tuning epochs with the masks kept. @default 4 */
  fineTuneEpochs: z.number().int().min(0).default(4),
  /** Adam learning rate of the fine-tuning. @default 0.002 */
  fineTuneLearningRate: z.number().positive().default(0.002),
  /**
   * Also train a copy of the dense network for the same fine-tuning epochs without masks: the
   * control that separates the effect of pruning from that of the extra training. @default true
   */
  denseControl: z.boolean().default(true),
  /** Images per inference call (N of the kernels). @default 128 */
  batch: z.number().int().positive().default(128),
  /** @default 'native' */
  target: z.enum(['native', 'wasm']).default('native'),
  /** Interleaved timing budget, ms. */
  timeMs: z.number().positive().default(300),
  minSamples: z.number().int().min(1).default(10),
})
type Params = z.output<typeof Params>

export const sparseMlp: SubjectDef<Params, ImageDataset> = {
  name: 'sparse-mlp',
  kind: 'method',
  description:
    'MNIST mlp magnitude-pruned and fine-tuned with masks kept, run through generated sparse kernels vs onnxruntime dense',
  params: Params,
  async run(ctx, { params, dataset }) {
    if (params.target === 'native') {
      const a = nativeAvailable()
      if (!a.ok) throw new TrialSkipped(`native sparse kernels: ${a.reason}`)
    }
    const data = dataset.data
    const { sparsity, fineTuneEpochs, fineTuneLearningRate, batch, target, timeMs, minSamples } =
      params
    const config = ClassifierConfig.parse({
      model: 'mlp',
      hidden: params.hidden,
      epochs: params.epochs,
      batchSize: params.batchSize,
      learningRate: params.learningRate,
    })
    const dense = await trainedClassifier(ctx, config, data)
    await initTfjs()
    const rng = new Rng(ctx.seed).fork('sparse-mlp')
    const { model } = buildClassifier('mlp', data, rng.fork('init'), config.hidden)
    model.setWeights(dense.model.getWeights())
    const tr = toTensors(data.train, 'flat')
    const te = toTensors(data.test, 'flat')
    const masks = maskDenseKernels(model, { sparsity })
    const kernels: PreparedKernel[] = []
    let session: ort.InferenceSession | undefined
    let buildDir: string | undefined
    try {
      const t0 = ctx.now()
      if (fineTuneEpochs > 0)
        await train(model, tr.x, tr.y, {
          rng: rng.fork('fine-tune'),
          epochs: fineTuneEpochs,
          batchSize: config.batchSize,
          learningRate: fineTuneLearningRate,
          afterStep: masks.apply,
          signal: ctx.signal,
          now: () => ctx.now(),
          onEpoch: (log) => ctx.progress.update(log.epoch, fineTuneEpochs, 'fine-tune'),
        })
      const fineTuneS = (ctx.now() - t0) / 1000
      const top1 = evaluate(model, te.x, te.y).accuracy * 100
      let top1Control: number | undefined
      if (params.denseControl && fineTuneEpochs > 0) {
        const control = buildClassifier('mlp', data, rng.fork('control'), config.hidden).model
        try {
          control.setWeights(dense.model.getWeights())
          await train(control, tr.x, tr.y, {
            rng: rng.fork('fine-tune'),
            epochs: fineTuneEpochs,
            batchSize: config.batchSize,
            learningRate: fineTuneLearningRate,
            signal: ctx.signal,
            now: () => ctx.now(),
          })
          top1Control = evaluate(control, te.x, te.y).accuracy * 100
        } finally {
          control.dispose()
        }
      }
      const zeros = masks.kernels.reduce(
        (s, k) => s + (k.dataSync() as Float32Array).reduce((z, v) => z + (v === 0 ? 1 : 0), 0),
        0,
      )
      // The sparse engine: one generated kernel per Dense layer, Y = relu(Wᵀ·X + b).
      const size = data.height * data.width * data.channels
      const N = Math.min(batch, data.test.n)
      const layers = model.layers.filter((l) => l.getClassName() === 'Dense')
      buildDir = mkdtempSync(join(tmpdir(), 'effbench-sparse-mlp-'))
      const t1 = ctx.now()
      const choices: KernelChoice[] = []
      for (const [i, layer] of layers.entries()) {
        const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor]
        const [K, M] = kernel.shape as [number, number]
        const w = transposeMatrix(kernel.dataSync() as Float32Array, K, M)
        const prepared = await prepareLayer(w, {
          M,
          K,
          N,
          bias: bias.dataSync() as Float32Array,
          relu: i < layers.length - 1,
          target,
          clock: () => ctx.now(),
          // Generated and compiled for this trial: prepare_ms never measures a cache hit.
          cacheDir: buildDir,
        })
        kernels.push(prepared.kernel)
        choices.push(prepared.choice)
      }
      const prepareMs = ctx.now() - t1
      const acts = [size, ...layers.map((l) => (l.getWeights()[0] as tf.Tensor).shape[1] as number)]
      const bufs = acts.map((n) => new Float32Array(n * N))
      const classes = acts[acts.length - 1] as number
      const logits = new Float32Array(N * classes)
      const forward = (images: Float32Array) => {
        transposeMatrix(images, N, size, bufs[0])
        for (const [i, k] of kernels.entries())
          k.run(bufs[i] as Float32Array, bufs[i + 1] as Float32Array)
        return transposeMatrix(bufs[bufs.length - 1] as Float32Array, classes, N, logits)
      }
      // Correctness against tfjs on the first N test images, and top-1 of the engine itself.
      const first = data.test.images.subarray(0, N * size)
      const expected = tf.tidy(() =>
        (model.predict(tf.tensor2d(first, [N, size])) as tf.Tensor).dataSync(),
      )
      const error = maxRelativeError(forward(first), expected)
      let correct = 0
      let counted = 0
      for (let b = 0; b + N <= data.test.n; b += N) {
        const out = forward(data.test.images.subarray(b * size, (b + N) * size))
        for (let j = 0; j < N; j++) {
          let best = 0
          for (let c = 1; c < classes; c++)
            if ((out[j * classes + c] as number) > (out[j * classes + best] as number)) best = c
          if (best === data.test.labels[b + j]) correct++
          counted++
        }
      }
      // One intra-op thread, as the engine: like with like whatever --threads says.
      const s = await createOrtSession(exportToOnnx(model as tfl.Sequential), { threads: 1 })
      session = s.session
      const feed = {
        [session.inputNames[0] as string]: new ort.Tensor('float32', first, [N, size]),
      }
      const ortSession = session
      const timed = await timeInterleaved(
        () => forward(first),
        () => ortSession.run(feed),
        { timeMs, minSamples, now: () => ctx.now() },
      )
      ctx.annotate('backend', `sparse-engine-${target}`)
      annotateOrtSession(ctx, s)
      ctx.annotate('kernelThreads', 1)
      ctx.annotate('layers', choices.map((c) => `${c.kind}:${c.detail}`).join('; '))
      return {
        top1: metric(top1, '%', 'higher'),
        top1_dense: metric(dense.testAccuracy * 100, '%', 'higher'),
        top1_drop: metric(dense.testAccuracy * 100 - top1, 'points', 'lower'),
        ...(top1Control === undefined
          ? {}
          : {
              top1_dense_control: metric(top1Control, '%', 'higher'),
              top1_drop_control: metric(top1Control - top1, 'points', 'lower'),
            }),
        ...(counted > 0 ? { top1_engine: metric((correct / counted) * 100, '%', 'higher') } : {}),
        weight_sparsity: metric(zeros / masks.total, '', 'higher'),
        ...interleavedMetrics(timed),
        prepare_ms: metric(prepareMs, 'ms', 'lower'),
        fine_tune_s: metric(fineTuneS, 's', 'lower'),
        max_rel_err: metric(error, '', 'lower'),
      }
    } finally {
      for (const k of kernels) k.dispose()
      if (buildDir) rmSync(buildDir, { recursive: true, force: true })
      await session?.release()
      masks.dispose()
      tf.dispose([tr.x, tr.y, te.x, te.y])
      model.dispose()
    }
  },
}
