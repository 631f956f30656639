/**
 * `tfjs-training`: trains a zoo classifier (mlp or lenet5) on MNIST with the shared seeded loop
 * on one tfjs backend, and reports training throughput and test accuracy. The reference point
 * for how fast methods can train on a machine without tfjs-node. With `workers` > 1 it trains
 * data-parallel over worker threads (studies/data-parallel): tfjs-wasm runs on one thread under
 * Node, so this is how a second core helps it.
 */
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { type ImageDataset, selectRows, toTensors } from '../../datasets/image-data.ts'
import { initTfjs } from '../../harness/backends/tfjs.ts'
import { metric, type SubjectDef, TrialSkipped } from '../../harness/types.ts'
import { evaluate, train } from '../../models/train.ts'
import { buildClassifier } from '../../models/trained-classifier.ts'
import { DataParallel, trainDataParallel } from '../../studies/data-parallel/trainer.ts'

const Params = z.strictObject({
  model: z.enum(['mlp', 'lenet5']),
  backend: z.enum(['node', 'wasm', 'cpu']).default('wasm'),
  epochs: z.number().int().min(1).default(2),
  batchSize: z.number().int().min(1).default(64),
  learningRate: z.number().positive().default(0.001),
  /** Train on the first N training digits only (for slow backends); default all. */
  trainLimit: z.number().int().min(1).optional(),
  /**
   * Threads that train, this one included: k > 1 splits each mini-batch over k data-parallel
   * replicas (k - 1 worker threads, each with its own tfjs backend), gradients averaged. Unset
   * is 1: the single-thread loop of models/train.ts.
   */
  workers: z.number().int().min(1).max(16).optional(),
})

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

const BACKEND_OF = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const

export const tfjsTraining: SubjectDef<z.output<typeof Params>, ImageDataset> = {
  name: 'tfjs-training',
  kind: 'baseline',
  description:
    'Trains mlp or lenet5 on MNIST with Adam on one tfjs backend: samples/s and test accuracy',
  params: Params,
  async run(ctx, { params, dataset }) {
    const runtime = await initTfjs({
      prefer: params.backend,
      device: ctx.device,
      threads: ctx.threads,
    })
    if (runtime.backend !== BACKEND_OF[params.backend]) {
      throw new TrialSkipped(
        `tfjs backend "${params.backend}" is not available here (${runtime.reasons[BACKEND_OF[params.backend]] ?? `got "${runtime.backend}"`})`,
      )
    }
    ctx.annotate('backend', `tfjs-${runtime.backend}`)
    ctx.annotate('tfjs', runtime.version)
    ctx.annotate('backendThreads', runtime.threads)
    const data = dataset.data
    const rng = ctx.rng
    const workers = params.workers ?? 1
    if (workers > 1 && runtime.backend === 'tensorflow')
      throw new TrialSkipped(
        'data-parallel workers are for the wasm and cpu backends (tfjs-node has its own threads)',
      )
    const initRng = rng.fork('init')
    const layout = params.model === 'mlp' ? 'flat' : 'nhwc'
    const limit = Math.min(params.trainLimit ?? data.train.n, data.train.n)
    const split = limit < data.train.n ? selectRows(data.train, range(limit)) : data.train
    const te = toTensors(data.test, layout)
    const onEpoch = (log: { epoch: number }) =>
      ctx.progress.update(log.epoch, params.epochs, `${params.model} epoch`)
    try {
      if (workers > 1) {
        ctx.annotate('workers', workers)
        const t0 = ctx.now()
        const dp = await DataParallel.start(
          {
            model: params.model,
            height: data.height,
            width: data.width,
            channels: data.channels,
            numClasses: data.numClasses,
            initSeed: initRng.seed,
            optimizer: 'adam',
            learningRate: params.learningRate,
          },
          {
            x: split.images,
            xShape:
              layout === 'flat'
                ? [limit, split.height * split.width * split.channels]
                : [limit, split.height, split.width, split.channels],
            y: split.labels,
          },
          // 64 discarded gradients per replica warm up the new worker's JavaScript (setup_s).
          { replicas: workers, backend: params.backend, signal: ctx.signal, warmup: 64 },
        )
        const setupS = (ctx.now() - t0) / 1000
        try {
          const result = await trainDataParallel(dp, limit, {
            rng: rng.fork('train'),
            epochs: params.epochs,
            batchSize: params.batchSize,
            signal: ctx.signal,
            now: () => ctx.now(),
            onEpoch,
          })
          const test = evaluate(dp.local.model, te.x, te.y)
          return {
            samples_per_s: metric(result.samplesPerSecond, 'samples/s', 'higher'),
            train_s: metric(result.seconds, 's', 'lower'),
            setup_s: metric(setupS, 's', 'lower'),
            test_accuracy: metric(test.accuracy, '', 'higher'),
            final_loss: metric(result.finalLoss, '', 'lower'),
          }
        } finally {
          await dp.close()
          dp.local.dispose()
        }
      }
      const tr = toTensors(split, layout)
      const { model } = buildClassifier(params.model, data, initRng)
      try {
        const result = await train(model, tr.x, tr.y, {
          rng: rng.fork('train'),
          epochs: params.epochs,
          batchSize: params.batchSize,
          learningRate: params.learningRate,
          optimizer: 'adam',
          signal: ctx.signal,
          now: () => ctx.now(),
          onEpoch,
        })
        const test = evaluate(model, te.x, te.y)
        return {
          samples_per_s: metric(result.samplesPerSecond, 'samples/s', 'higher'),
          train_s: metric(result.seconds, 's', 'lower'),
          test_accuracy: metric(test.accuracy, '', 'higher'),
          final_loss: metric(result.final.loss, '', 'lower'),
        }
      } finally {
        model.dispose()
        tf.dispose([tr.x, tr.y])
      }
    } finally {
      tf.dispose([te.x, te.y])
    }
  },
}
